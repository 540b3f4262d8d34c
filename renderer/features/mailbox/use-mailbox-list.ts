import { useCallback, useEffect } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import { useListOrder } from './ListControls.js';
import type { ListedMessage } from './MessageList.js';
import { useMessagePages } from './use-message-pages.js';

type Where = { accountId: string | undefined; folderPath: string; allInboxes: boolean; shown: (accountId: string, folder: string) => boolean };

/**
 * The list on screen: the folder's messages (or All inboxes'), a page of history at a time, in
 * the chosen order (see use-message-pages.ts); drawn again from the store whenever new mail
 * arrives or main says the store changed under it (a sync brought messages, flags or removals).
 */
export function useMailboxList(client: ContractClient, { accountId, folderPath, allInboxes, shown }: Where, onError: (error: AppErrorDto | undefined) => void) {
  const [order, setOrder] = useListOrder();
  const pages = useMessagePages(client, accountId, folderPath, order, onError, allInboxes);
  const { refresh, reset, setMessages } = pages;

  /** A conversation's messages, for its row to unfold. */
  const loadThread = useCallback(
    async (threadId: number) => {
      if (!accountId) return undefined;
      const reply = await client.invoke('thread.open', { accountId, threadId });
      if (reply.ok) return reply.value;
      onError(reply.error);
      return undefined;
    },
    [client, accountId, onError],
  );

  useEffect(() => {
    reset();
    void refresh();
  }, [refresh, reset]);

  useEffect(() => {
    const offArrived = client.on('mail.arrived', (arrival) => {
      if (shown(arrival.accountId, arrival.folder)) void refresh();
    });
    const offChanged = client.on('messages.changed', (change) => {
      if (shown(change.accountId, change.folder)) void refresh();
    });
    return () => {
      offArrived();
      offChanged();
    };
  }, [client, shown, refresh]);

  return {
    ...pages,
    order,
    setOrder,
    loadThread,
    /** Shown as read at once (opening it marks it read in main too). */
    markRead(is: (m: ListedMessage) => boolean) {
      setMessages((list) => list.map((m) => (is(m) ? { ...m, unread: false } : m)));
    },
  };
}

export type MailboxList = ReturnType<typeof useMailboxList>;
