import { AppError } from '../../shared/errors.js';
import type { Folder } from '../../shared/schemas.js';
import { compareFolders } from '../imap/list-folders.js';
import type { Folder as StoredFolder, MessageStore } from '../store/message-store.js';

/** The account's folder tree as the store has it, in the folder list's order (Inbox, the roles, the rest). */
export function folderDtos(store: MessageStore, accountId: string): Folder[] {
  return store
    .folders(accountId)
    .map((f) => {
      // Once the whole folder is in the store its own counts are exact (and follow local changes
      // at once); before that, the server's STATUS figures.
      const counts = f.oldestUid === 1 ? store.counts(f.id) : { total: f.total ?? 0, unread: f.unread ?? 0 };
      return {
        path: f.path,
        name: f.name ?? f.path,
        role: f.role,
        delimiter: f.delimiter,
        total: counts.total,
        unread: counts.unread,
        selectable: f.selectable,
      };
    })
    .sort(compareFolders);
}

/**
 * The account's folder at `path` from the store; when the store does not know it, the folder list
 * is read again first (`refresh`), and a folder still unknown is NOT_FOUND.
 */
export async function folderAt(store: MessageStore, accountId: string, path: string, refresh: () => Promise<void>): Promise<StoredFolder> {
  const known = store.folderByPath(accountId, path);
  if (known) return known;
  await refresh();
  const listed = store.folderByPath(accountId, path);
  if (!listed) throw new AppError('NOT_FOUND', { message: 'That folder does not exist on the server.' });
  return listed;
}
