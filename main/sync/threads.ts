import type { MessageSummary } from '../../shared/schemas.js';
import type { ListCursor, MessageStore } from '../store/message-store.js';
import type { ThreadIndex } from '../store/threading.js';
import { toSummary } from './message-summary.js';

/**
 * The threaded list: one row per conversation, its newest message in the folder with the
 * conversation's counts. A message not threaded yet (the store's writer threads just behind a
 * first sync) stands alone until it is.
 */
export function threadList(threads: ThreadIndex, folderId: number, options: { limit: number; before?: ListCursor }): MessageSummary[] {
  return threads.threadSummaries(folderId, options).map(({ threadId, newest, count, unread, countAll }) => ({
    ...toSummary(newest),
    ...(threadId === null ? {} : { thread: { id: threadId, count, unread, countAll } }),
  }));
}

/** A conversation's messages in every folder of the account, oldest first; none of another account's. */
export function openThread(store: MessageStore, threads: ThreadIndex, accountId: string, threadId: number): (MessageSummary & { folder: string })[] {
  const folders = new Map(store.folders(accountId).map((f) => [f.id, f.path]));
  return threads
    .messagesInThread(threadId)
    .filter((m) => folders.has(m.folderId))
    .map((m) => ({ ...toSummary(m), folder: folders.get(m.folderId)! }));
}
