import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { ListedMessage } from './MessageList.js';

/** How long typing pauses before the search box asks. */
export const SEARCH_DELAY_MS = 150;

/**
 * The search box of the chosen account: what is typed, and the answer to it (undefined while
 * the folder is shown). It asks once typing pauses, and again when the store changes under the
 * answer; only the latest question's answer is shown. Another account starts with an empty box.
 */
export function useSearch(client: ContractClient, accountId: string | undefined, onError: (error: AppErrorDto) => void) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ListedMessage[]>();
  const text = query.trim();
  const latest = useRef(0);

  const search = useCallback(
    async (asked: string) => {
      if (!accountId) return;
      const request = ++latest.current;
      const reply = await client.invoke('messages.search', { accountId, query: asked, limit: 100 });
      if (request !== latest.current) return;
      if (reply.ok) setResults(reply.value.messages);
      else onError(reply.error);
    },
    [client, accountId, onError],
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
        if (change.accountId === accountId && text) void search(text);
      }),
    [client, accountId, search, text],
  );

  return {
    query,
    setQuery,
    clear: () => setQuery(''),
    results,
    /** Asks at once (Enter), without waiting for typing to pause. */
    searchNow() {
      if (text) void search(text);
    },
    /** A result just opened is shown as read. */
    markRead(folder: string, uid: number) {
      setResults((list) => list?.map((r) => (r.folder === folder && r.uid === uid ? { ...r, unread: false } : r)));
    },
  };
}

export type SearchModel = ReturnType<typeof useSearch>;

/** What the search found, in words (the live region under the box). */
export function searchSummary(count: number): string {
  if (count === 0) return 'No messages found in any folder.';
  return `${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'} found in all folders.`;
}
