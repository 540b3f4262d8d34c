import type { MessageSummary } from '../../shared/schemas.js';
import type { ListCursor, MessageStore } from '../store/message-store.js';
import type { ThreadIndex } from '../store/threading.js';
import { toSummary } from './message-summary.js';

/**
 * The threaded list: one row per conversation, its newest message in the folder with the
 * conversation's counts. A message not threaded yet (the store's writer threads just behind a
 * first sync) stands alone until it is.
 */
export function threadList(store: MessageStore, threads: ThreadIndex, folderId: number, options: { limit: number; before?: ListCursor }): MessageSummary[] {
  return threads.threadSummaries(folderId, options).flatMap(({ threadId, newest, count, unread, countAll }) => {
    const stored = store.message(newest.folderId, newest.uid);
    if (!stored) return [];
    return [{ ...toSummary(stored), ...(threadId === null ? {} : { thread: { id: threadId, count, unread, countAll } }) }];
  });
}

/** A conversation's messages in every folder of the account, oldest first; empty for another account's thread. */
export function openThread(store: MessageStore, threads: ThreadIndex, accountId: string, threadId: number): (MessageSummary & { folder: string })[] {
  const folders = new Map(store.folders(accountId).map((f) => [f.id, f.path]));
  return threads.messagesInThread(threadId).flatMap((m) => {
    const stored = folders.has(m.folderId) ? store.message(m.folderId, m.uid) : undefined;
    return stored ? [{ ...toSummary(stored), folder: folders.get(m.folderId)! }] : [];
  });
}
