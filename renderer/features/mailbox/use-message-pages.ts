import { useCallback, useRef, useState } from 'react';
import type { ContractClient, Reply, RequestInput } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { MessageSummary } from '../../../shared/schemas.js';
import { PAGE_SIZE } from '../../../shared/list-pages.js';
import type { ListedMessage } from './MessageList.js';

export type ListSort = 'date' | 'sender' | 'subject';
/** How the list is ordered, and whether it shows one row per conversation (by date only). */
export type ListOrder = { sort: ListSort; threads: boolean };

export { PAGE_SIZE };
/** Rows asked for each further page of history: the most a request takes, so a fast scroll waits on few round trips. */
export const MORE_SIZE = 500;

type Cursor = NonNullable<RequestInput<'messages.list'>['before']>;
type InboxesCursor = NonNullable<RequestInput<'messages.listInboxes'>['before']>;

/** Where All inboxes' next page starts: the last row's date, account and uid. */
function inboxesCursorAfter(m: ListedMessage): InboxesCursor {
  return { receivedAt: m.receivedAt, accountId: m.accountId!, uid: m.uid };
}

/** A page of a folder's list as asked of main (the first page's, asked ahead at start, must be the same). */
export function folderPageInput(accountId: string, folder: string, { sort, threads }: ListOrder, limit: number, after?: ListedMessage): RequestInput<'messages.list'> {
  // Conversations are shown in the date order only.
  return { accountId, folder, limit, sort, threads: threads && sort === 'date', ...(after ? { before: cursorAfter(after, sort) } : {}) };
}

/** Where the next page starts: the last row's date and uid, and for a sender or subject sort its key as shown. */
export function cursorAfter(m: MessageSummary, sort: ListSort): Cursor {
  const key = sort === 'sender' ? (m.from ? m.from.name || m.from.address : '') : sort === 'subject' ? m.subject : undefined;
  return { receivedAt: m.receivedAt, uid: m.uid, ...(key === undefined ? {} : { key }) };
}

/**
 * A folder's messages from the store, a page at a time: `refresh` reads again from the top (as
 * many rows as are loaded, so a redraw after a change keeps the place), `loadMore` appends the
 * next page of history. Only the latest request's answer is shown: replies can overtake each
 * other (a push-triggered refresh and a slower one, or a folder change).
 *
 * With `allInboxes` it pages All inboxes instead (messages.listInboxes: every account's Inbox,
 * newest first; each row says its account), whatever account and folder are chosen.
 */
export function useMessagePages(
  client: ContractClient,
  accountId: string | undefined,
  folder: string,
  order: ListOrder,
  onError: (error: AppErrorDto | undefined) => void,
  allInboxes = false,
) {
  const [messages, setMessages] = useState<ListedMessage[]>([]);
  const [loading, setLoading] = useState(false);
  const [complete, setComplete] = useState(true);
  const latest = useRef(0);
  const loaded = useRef(0);
  const more = useRef(false);
  const { sort, threads } = order;

  const page = useCallback(
    (limit: number, after?: ListedMessage): Promise<Reply<ListedMessage[]>> =>
      allInboxes
        ? client.invoke('messages.listInboxes', { limit, ...(after ? { before: inboxesCursorAfter(after) } : {}) })
        : client.invoke('messages.list', folderPageInput(accountId!, folder, { sort, threads }, limit, after)),
    [client, accountId, folder, sort, threads, allInboxes],
  );
  const ready = allInboxes || accountId !== undefined;

  const refresh = useCallback(async () => {
    if (!ready) return;
    const request = ++latest.current;
    setLoading(true);
    onError(undefined);
    const want = Math.max(PAGE_SIZE, loaded.current);
    const rows: ListedMessage[] = [];
    let full = true;
    while (rows.length < want) {
      const limit = Math.min(500, want - rows.length);
      const reply = await page(limit, rows.at(-1));
      if (request !== latest.current) return;
      if (!reply.ok) {
        setLoading(false);
        return onError(reply.error);
      }
      rows.push(...reply.value);
      if (reply.value.length < limit) {
        full = false;
        break;
      }
    }
    setLoading(false);
    loaded.current = rows.length;
    setMessages(rows);
    setComplete(!full);
  }, [ready, page, onError]);

  const loadMore = useCallback(async () => {
    if (!ready || more.current || complete) return;
    const last = messages.at(-1);
    if (!last) return;
    const request = latest.current;
    more.current = true;
    const reply = await page(MORE_SIZE, last).finally(() => (more.current = false));
    if (request !== latest.current) return;
    if (!reply.ok) return onError(reply.error);
    setMessages((now) => {
      const next = now.concat(reply.value);
      loaded.current = next.length;
      return next;
    });
    if (reply.value.length < MORE_SIZE) setComplete(true);
  }, [ready, complete, messages, page, onError]);

  /** Starting over (another folder or order): nothing shown, nothing loaded, until refresh answers. */
  const reset = useCallback(() => {
    latest.current++;
    loaded.current = 0;
    setMessages([]);
    setComplete(true);
  }, []);

  return { messages, setMessages, loading, complete, refresh, loadMore, reset };
}
