import type { Database, Statement } from 'better-sqlite3';
import { LocalMessages, type LocalEntry } from './local-messages.js';
import type { MessageInput, MessageStore } from './message-store.js';

/** What the store knows of one message a POP3 account downloaded (see the pop3_uids table). */
export type Pop3UidRecord = {
  uidl: string;
  /** Where the message went locally; null for a record imported without a local copy. */
  folderId: number | null;
  localUid: number | null;
  downloadedAt: number;
  /** The server confirmed the DELE (+OK to the QUIT that committed it). */
  deletedFromServer: boolean;
};

type Row = { uidl: string; folder_id: number | null; local_uid: number | null; downloaded_at: number; deleted_from_server: number };

/**
 * The UIDLs a POP3 account already has. A record is written in the same transaction as the
 * message's row and body file, with synchronous=FULL: unlike the rest of the store this is not a
 * copy that the next sync restores (a POP3 message may be gone from the server once it is had),
 * so the commit must be on disk before the UIDL counts as had and a DELE may follow.
 */
export class Pop3Uids {
  private readonly statements: {
    ofAccount: Statement;
    insert: Statement;
    markDeleted: Statement;
    forget: Statement;
    locallyGone: Statement;
    relocate: Statement;
    forgetAccount: Statement;
  };

  private readonly local: LocalMessages;

  constructor(private readonly store: MessageStore) {
    this.local = new LocalMessages(store);
    const db: Database = store.db;
    this.statements = {
      ofAccount: db.prepare('SELECT uidl, folder_id, local_uid, downloaded_at, deleted_from_server FROM pop3_uids WHERE account_id = ?'),
      insert: db.prepare(`INSERT INTO pop3_uids (account_id, uidl, folder_id, local_uid, downloaded_at, deleted_from_server)
        VALUES (?, ?, ?, ?, ?, ?)`),
      markDeleted: db.prepare('UPDATE pop3_uids SET deleted_from_server = 1 WHERE account_id = ? AND uidl = ?'),
      forget: db.prepare('DELETE FROM pop3_uids WHERE account_id = ? AND uidl = ?'),
      locallyGone: db
        .prepare(`SELECT p.uidl FROM pop3_uids p WHERE p.account_id = ? AND p.deleted_from_server = 0 AND p.folder_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.folder_id = p.folder_id AND m.uid = p.local_uid)`)
        .pluck(),
      relocate: db.prepare('UPDATE pop3_uids SET folder_id = ?, local_uid = ? WHERE folder_id = ? AND local_uid = ?'),
      forgetAccount: db.prepare('DELETE FROM pop3_uids WHERE account_id = ?'),
    };
  }

  /** Every record of the account, by UIDL. */
  records(accountId: string): Map<string, Pop3UidRecord> {
    const rows = this.statements.ofAccount.all(accountId) as Row[];
    return new Map(
      rows.map((r) => [
        r.uidl,
        { uidl: r.uidl, folderId: r.folder_id, localUid: r.local_uid, downloadedAt: r.downloaded_at, deletedFromServer: r.deleted_from_server === 1 },
      ]),
    );
  }

  /** UIDLs still on the server (as far as we know) whose local message is gone. */
  locallyGone(accountId: string): Set<string> {
    return new Set(this.statements.locallyGone.all(accountId) as string[]);
  }

  /** The UID the next message of a local folder gets (see LocalMessages.nextUid). */
  nextLocalUid(folderId: number): number {
    return this.local.nextUid(folderId);
  }

  /** Reserves `count` local UIDs of a folder for downloads in flight; returns the first. */
  reserveLocalUids(folderId: number, count: number): number {
    return this.local.reserveUids(folderId, count);
  }

  /**
   * Stores a downloaded message: its row (and search entry), its body file, the folder's next
   * UID and the UIDL record, in one transaction committed with synchronous=FULL. Throws, storing
   * nothing, if the UIDL is already had or the UID is taken.
   */
  storeDownloaded(accountId: string, folderId: number, message: MessageInput, bodyFile: string, uidl: string, now = Date.now()): void {
    this.storeDownloadedMany(accountId, folderId, [{ message, bodyFile, uidl }], now);
  }

  /** storeDownloaded for a batch, in one transaction (see pop3/download-batch.ts); a source may be kept in the store. */
  storeDownloadedMany(accountId: string, folderId: number, entries: readonly (LocalEntry & { uidl: string })[], now = Date.now()): void {
    this.local.insert(folderId, entries, () => {
      for (const { message, uidl } of entries) this.statements.insert.run(accountId, uidl, folderId, message.uid, now, 0);
    });
  }

  /**
   * Records UIDLs as had without a local message (e.g. imported from another client's
   * records, so that a first check does not download a mailbox again).
   */
  recordHad(accountId: string, uidls: readonly string[], { deletedFromServer = false, downloadedAt = Date.now() } = {}): void {
    const { db } = this.store;
    db.pragma('synchronous = FULL');
    try {
      db.transaction(() => {
        for (const uidl of uidls) this.statements.insert.run(accountId, uidl, null, null, downloadedAt, deletedFromServer ? 1 : 0);
      }).immediate();
    } finally {
      db.pragma('synchronous = NORMAL');
    }
  }

  /** After the server's +OK to QUIT: these messages are gone from it. */
  markDeleted(accountId: string, uidls: readonly string[]): void {
    this.store.db.transaction(() => {
      for (const uidl of uidls) this.statements.markDeleted.run(accountId, uidl);
    }).immediate();
  }

  /**
   * A downloaded message moved to another local folder: its record follows it, so that it is not
   * taken for deleted locally (see locallyGone). Run inside the move's transaction.
   */
  relocate(from: { folderId: number; uid: number }, to: { folderId: number; uid: number }): void {
    this.statements.relocate.run(to.folderId, to.uid, from.folderId, from.uid);
  }

  /** The account is gone: so are its records. */
  forgetAccount(accountId: string): void {
    this.statements.forgetAccount.run(accountId);
  }

  /** Drops records (see the content-hash records of download-loop.ts). */
  forget(accountId: string, uidls: readonly string[]): void {
    this.store.db.transaction(() => {
      for (const uidl of uidls) this.statements.forget.run(accountId, uidl);
    }).immediate();
  }
}
