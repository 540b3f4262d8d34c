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
  const [server, setServer] = useState<ServerSearch>();
  const text = query.trim();
  /** The question being answered: an answer to an older one is dropped. */
  const latest = useRef(0);

  /**
   * Asks the store, and shows its answer at once; where the account's copy is incomplete (a
   * first sync still coming in), asks again with the server, and shows that answer when it
   * comes. A refresh (the store changed) asks the store only, for the same question.
   */
  const search = useCallback(
    async (asked: string, { refresh = false } = {}) => {
      if (!accountId) return;
      const request = refresh ? latest.current : ++latest.current;
      if (allInboxes) {
        const reply = await client.invoke('messages.searchAll', { query: asked, limit: 100 });
        if (request !== latest.current) return;
        if (reply.ok) setResults(reply.value.messages);
        else onError(reply.error);
        return;
      }
      const reply = await client.invoke('messages.search', { accountId, query: asked, limit: 100 });
      if (request !== latest.current) return;
      if (!reply.ok) return onError(reply.error);
      setResults(reply.value.messages);
      if (refresh) return;
      if (!reply.value.incomplete) return setServer(undefined);
      setServer('asking');
      const more = await client.invoke('messages.search', { accountId, query: asked, limit: 100, askServer: true });
      if (request !== latest.current) return;
      if (!more.ok) {
        setServer(undefined);
        return onError(more.error);
      }
      setResults(more.value.messages);
      setServer(more.value.serverChecked ? undefined : 'unreachable');
    },
    [client, accountId, allInboxes, onError],
  );

  useEffect(() => {
    setServer(undefined);
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
        if ((allInboxes || change.accountId === accountId) && text) void search(text, { refresh: true });
      }),
    [client, accountId, allInboxes, search, text],
  );

  return {
    query,
    setQuery,
    clear: () => setQuery(''),
    results,
    /** Whether the server is being asked about folders not yet fetched whole, or could not be. */
    server,
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

/** The second round of a search, at the server, for folders whose copy is still coming in. */
export type ServerSearch = 'asking' | 'unreachable';

/** What the second round is doing, in words, after the summary. */
export function serverSearchNote(server: ServerSearch | undefined): string {
  if (server === 'asking') return ' Asking the server about folders still being fetched…';
  if (server === 'unreachable') return ' The server could not be asked about folders still being fetched.';
  return '';
}

/** What the search found, in words (the live region under the box): in one account, or in every account. */
export function searchSummary(count: number, everyAccount = false): string {
  if (count === 0) return everyAccount ? 'No messages found in any account.' : 'No messages found in any folder.';
  return `${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'} found in ${everyAccount ? 'all accounts' : 'all folders'}.`;
}
