import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { ListedMessage } from './MessageList.js';

/** How long typing pauses before the search box asks. */
export const SEARCH_DELAY_MS = 150;

/**
 * The search box of the chosen account, or of every account while All inboxes is shown: what is
 * typed, and the answer to it (undefined while the list is shown). It asks once typing pauses,
 * and again when the store changes under the answer; only the latest question's answer is shown.
 * Another account starts with an empty box. In All inboxes each result says its account.
 */
export function useSearch(
  client: ContractClient,
  { accountId, allInboxes }: { accountId: string | undefined; allInboxes: boolean },
  onError: (error: AppErrorDto) => void,
) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ListedMessage[]>();
  const text = query.trim();
  const latest = useRef(0);

  const search = useCallback(
    async (asked: string) => {
      if (!accountId) return;
      const request = ++latest.current;
      const reply = allInboxes
        ? await client.invoke('messages.searchAll', { query: asked, limit: 100 })
        : await client.invoke('messages.search', { accountId, query: asked, limit: 100 });
      if (request !== latest.current) return;
      if (reply.ok) setResults(reply.value.messages);
      else onError(reply.error);
    },
    [client, accountId, allInboxes, onError],
  );

  useEffect(() => {
    if (!text) {
      latest.current++;
      setResults(undefined);
      return;
    }
    const timer = setTimeout(() => void search(text), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, search]);

  useEffect(() => {
    setQuery('');
  }, [accountId]);

  useEffect(
    () =>
      client.on('messages.changed', (change) => {
        if ((allInboxes || change.accountId === accountId) && text) void search(text);
      }),
    [client, accountId, allInboxes, search, text],
  );

  return {
    query,
    setQuery,
    clear: () => setQuery(''),
    results,
    /** The box searches every account (All inboxes is shown): each result says its account. */
    everyAccount: allInboxes,
    /** Asks at once (Enter), without waiting for typing to pause. */
    searchNow() {
      if (text) void search(text);
    },
    /** A result just opened is shown as read. */
    markRead(inAccount: string, folder: string, uid: number) {
      setResults((list) => list?.map((r) => ((r.accountId ?? accountId) === inAccount && r.folder === folder && r.uid === uid ? { ...r, unread: false } : r)));
    },
  };
}

export type SearchModel = ReturnType<typeof useSearch>;

/** What the search found, in words (the live region under the box): in one account, or in every account. */
export function searchSummary(count: number, everyAccount = false): string {
  if (count === 0) return everyAccount ? 'No messages found in any account.' : 'No messages found in any folder.';
  return `${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'} found in ${everyAccount ? 'all accounts' : 'all folders'}.`;
}
