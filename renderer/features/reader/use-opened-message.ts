import { useEffect, useRef, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { MessageDetail } from '../../../shared/schemas.js';
import type { ListedMessage } from '../mailbox/MessageList.js';

/**
 * The message in the reader, the folder it was opened from (a search result's may be another),
 * and its account (in All inboxes, maybe not the one chosen).
 */
export type Opened = { message: MessageDetail; folder: string; accountId: string };

type Context = {
  accountId: string | undefined;
  folderPath: string;
  allInboxes: boolean;
  /** The rows on screen: the list's and the search's. */
  messages: readonly ListedMessage[];
  results: readonly ListedMessage[] | undefined;
  /** Told when a message is opened, to show it as read where it is listed and counted. */
  onRead: (read: { accountId: string; folder: string; uid: number; wasUnread: boolean; isIt: (m: ListedMessage) => boolean }) => void;
  onError: (error: AppErrorDto | undefined) => void;
};

/**
 * The open message (message.open): closed when another account, folder or All inboxes is chosen;
 * kept in step with its row (a flag set elsewhere, or rolled back). When the reader closes after
 * Delete, Move or Escape, focus goes back to the list's heading, not to the page's top.
 */
export function useOpenedMessage(client: ContractClient, { accountId, folderPath, allInboxes, messages, results, onRead, onError }: Context) {
  const [opened, setOpened] = useState<Opened>();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const focusListNext = useRef(false);

  useEffect(() => {
    setOpened(undefined);
  }, [accountId, folderPath, allInboxes]);

  useEffect(() => {
    setOpened((o) => {
      if (!o) return o;
      const row =
        results?.find((r) => (r.accountId ?? accountId) === o.accountId && r.folder === o.folder && r.uid === o.message.uid) ??
        messages.find((m) => (m.accountId ?? accountId) === o.accountId && (m.folder ?? folderPath) === o.folder && m.uid === o.message.uid);
      if (!row || (row.unread === o.message.unread && row.flagged === o.message.flagged)) return o;
      return { ...o, message: { ...o.message, unread: row.unread, flagged: row.flagged } };
    });
  }, [messages, results, folderPath, accountId]);

  useEffect(() => {
    if (opened || !focusListNext.current) return;
    focusListNext.current = false;
    listHeading.current?.focus();
  }, [opened]);

  /** Opens a message from its own folder (the one listed, or a search result's) and account (All inboxes' row's). */
  async function open(uid: number, from: string = folderPath, inAccount: string | undefined = accountId) {
    if (!inAccount) return;
    onError(undefined);
    const reply = await client.invoke('message.open', { accountId: inAccount, folder: from, uid });
    if (!reply.ok) return onError(reply.error);
    setOpened({ message: reply.value, folder: from, accountId: inAccount });
    const isIt = (m: ListedMessage) => (m.accountId ?? accountId) === inAccount && (m.folder ?? folderPath) === from && m.uid === uid;
    const listed = messages.find(isIt);
    const found = results?.find((r) => (r.accountId ?? accountId) === inAccount && r.folder === from && r.uid === uid);
    onRead({ accountId: inAccount, folder: from, uid, wasUnread: (listed ?? found)?.unread ?? false, isIt });
  }

  /** Whether this is the open message. */
  const isOpen = (o: Opened, where: { accountId: string; folder: string; uid: number }) =>
    o.accountId === where.accountId && o.folder === where.folder && o.message.uid === where.uid;

  return {
    opened,
    open,
    listHeading,
    /** Closes the reader; focus goes back to the list. */
    close() {
      focusListNext.current = true;
      setOpened(undefined);
    },
    /** Closes the reader if it still shows that message (it was deleted or moved); focus goes back to the list. */
    closeIfOpen(where: { accountId: string; folder: string; uid: number }) {
      focusListNext.current = true;
      setOpened((o) => (o && isOpen(o, where) ? undefined : o));
    },
    /** Shows a flag's new state, if the reader still shows that message. */
    showFlags(folder: string, uid: number, state: { unread: boolean } | { flagged: boolean }) {
      setOpened((o) => (o && o.folder === folder && o.message.uid === uid ? { ...o, message: { ...o.message, ...state } } : o));
    },
  };
}

export type OpenedMessage = ReturnType<typeof useOpenedMessage>;
