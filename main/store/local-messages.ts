import type { Statement } from 'better-sqlite3';
import type { MessageInput, MessageStore } from './message-store.js';

/**
 * A message of a local folder and where its source is kept: a file (its path relative to the
 * bodies folder), or the store itself (its bytes, or those of the message it is a copy of).
 */
export type LocalEntry = {
  message: MessageInput;
  bodyFile?: string;
  source?: Buffer;
  sourceOf?: { folderId: number; uid: number };
};

/**
 * Messages that live only in this store: a POP3 account's folders, where no server holds a copy
 * to sync back from. So their UIDs are ours to give out, and their writes are committed with
 * synchronous=FULL (the rest of the store is a cache that the next sync restores).
 */
export class LocalMessages {
  private readonly statements: { maxUid: Statement; folderUidNext: Statement; setUidNext: Statement; setBodyFile: Statement };

  constructor(private readonly store: MessageStore) {
    const { db } = store;
    this.statements = {
      maxUid: db.prepare('SELECT max(uid) FROM messages WHERE folder_id = ?').pluck(),
      folderUidNext: db.prepare('SELECT uidnext FROM folders WHERE id = ?').pluck(),
      setUidNext: db.prepare('UPDATE folders SET uidnext = max(coalesce(uidnext, 1), ?) WHERE id = ?'),
      setBodyFile: db.prepare('UPDATE messages SET body_file = ? WHERE folder_id = ? AND uid = ?'),
    };
  }

  /**
   * The UID the next message of a local folder gets: never one used before in it (the folder's
   * uidnext remembers the highest ever given, so a message deleted locally does not hand its UID
   * to the next one, and a POP3 record's local UID keeps meaning one message).
   */
  nextUid(folderId: number): number {
    const next = (this.statements.folderUidNext.get(folderId) as number | null) ?? 1;
    const max = (this.statements.maxUid.get(folderId) as number | null) ?? 0;
    return Math.max(next, max + 1);
  }

  /**
   * Reserves the next `count` UIDs of a local folder (its uidnext moves past them, so nextUid
   * never gives them out again) for messages stored later; returns the first. Unused ones are
   * simply never seen: UIDs need not be dense.
   */
  reserveUids(folderId: number, count: number): number {
    return this.store.db.transaction(() => {
      const first = this.nextUid(folderId);
      this.statements.setUidNext.run(first + count, folderId);
      return first;
    }).immediate();
  }

  /**
   * Stores messages in a local folder with their sources, and moves the folder's next UID
   * past them, in one transaction committed with synchronous=FULL; `alsoInTransaction` runs in
   * it too. Throws, storing nothing, if a UID is taken.
   */
  insert(folderId: number, entries: readonly LocalEntry[], alsoInTransaction?: () => void): void {
    const { db } = this.store;
    db.pragma('synchronous = FULL');
    try {
      db.transaction(() => {
        for (const { message } of entries) {
          if (this.store.message(folderId, message.uid)) throw new Error(`local UID ${message.uid} is taken in folder ${folderId}`);
        }
        this.store.upsertMessages(
          folderId,
          entries.map((e) => e.message),
        );
        for (const { message, bodyFile, source, sourceOf } of entries) {
          if (bodyFile !== undefined) this.statements.setBodyFile.run(bodyFile, folderId, message.uid);
          if (source) this.store.keepSource(folderId, message.uid, source);
          if (sourceOf) this.store.copySource(sourceOf, { folderId, uid: message.uid });
          this.statements.setUidNext.run(message.uid + 1, folderId);
        }
        alsoInTransaction?.();
      }).immediate();
    } finally {
      db.pragma('synchronous = NORMAL');
    }
  }
}
