import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runMigrations } from './migrations.js';

export const STORE_FILE_NAME = 'mail.sqlite';

/**
 * Opens (creating if needed) the message store in a profile folder and brings its schema up to
 * date. The caller owns the handle and closes it.
 *
 * - WAL: readers never wait for the sync writer, a commit is one append to the log, and a
 *   crash leaves either the whole transaction or none of it.
 * - synchronous=NORMAL: with WAL this fsyncs only at checkpoints, not at every commit. A killed
 *   app loses nothing (the log is in the OS page cache, which survives the process); a power cut
 *   may lose the last few commits but never corrupts the file. That is the right trade for this
 *   store: everything in it is a copy of the server's state and the next sync restores whatever
 *   a power cut rolled back. Anything that is not re-syncable (the outbox) lives elsewhere with
 *   its own fsyncs; a future table that holds such data should open with synchronous=FULL.
 * - foreign_keys: a folder's messages go with it (ON DELETE CASCADE), and an orphan cannot exist.
 * - busy_timeout: a second connection (e.g. a reader in a worker) waits briefly for a checkpoint
 *   or a writer instead of failing with SQLITE_BUSY at once.
 */
export function openStore(profileDir: string, fileName = STORE_FILE_NAME): Database.Database {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(profileDir, fileName));
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`The mail store could not switch to WAL (got ${String(mode)}).`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
