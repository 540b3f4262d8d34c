import type { Database, Statement } from 'better-sqlite3';
import { MESSAGE_COLUMNS, toMessage, type MessageRow, type StoredMessage } from './message-store.js';

/** Keyset cursor of a merged list: the last row of the previous page. */
export type MergedCursor = { internalDate: number; folderId: number; uid: number };

/** Above every UID (IMAP UIDs are 32-bit) and every date a row can hold: "from the top". */
const TOP_UID = 2 ** 32;
const TOP_DATE = Number.MAX_SAFE_INTEGER;
/**
 * SQLite's own limit on the arms of one compound SELECT is 500; far fewer accounts than that
 * are likely, but past this many folders one scan of the date index is cheaper than the merge.
 */
const MAX_ARMS = 64;

/**
 * Several folders' messages as one list, newest first (the unified inbox): ordered by arrival,
 * then folder, then UID, a page at a time by keyset.
 *
 * Each folder is one arm of a UNION ALL that walks that folder's (folder_id, internal_date DESC,
 * uid DESC) index from the cursor down; SQLite merges the arms' sorted outputs (its plan says
 * "MERGE (UNION ALL)") and stops at the limit. So a page reads about `limit` rows whatever the
 * folders hold, deep pages included, and nothing is sorted in a temporary b-tree.
 */
export class MergedList {
  private readonly statements = new Map<number, Statement>();

  constructor(private readonly db: Database) {}

  list(folderIds: readonly number[], { limit, before }: { limit: number; before?: MergedCursor }): StoredMessage[] {
    const ids = [...new Set(folderIds)];
    if (ids.length === 0) return [];
    if (ids.length > MAX_ARMS) return this.scan(ids, limit, before);
    const params: number[] = [];
    for (const folderId of ids) params.push(folderId, ...armBound(folderId, before));
    params.push(limit);
    return (this.statement(ids.length).all(...params) as MessageRow[]).map(toMessage);
  }

  /** The statement's text, for EXPLAIN QUERY PLAN in tests. */
  sql(arms: number): string {
    const arm = `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.folder_id = ? AND (m.internal_date, m.uid) < (?, ?)`;
    return `${Array.from({ length: arms }, () => arm).join('\nUNION ALL\n')}
      ORDER BY internal_date DESC, folder_id DESC, uid DESC LIMIT ?`;
  }

  private statement(arms: number): Statement {
    let statement = this.statements.get(arms);
    if (!statement) {
      statement = this.db.prepare(this.sql(arms));
      this.statements.set(arms, statement);
    }
    return statement;
  }

  /** Many folders: the date index walked newest first, each row checked against the folders. */
  private scan(ids: readonly number[], limit: number, before?: MergedCursor): StoredMessage[] {
    const cursor = before ?? { internalDate: TOP_DATE, folderId: Number.MAX_SAFE_INTEGER, uid: TOP_UID };
    const rows = this.db
      .prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.folder_id IN (SELECT value FROM json_each(?))
          AND (m.internal_date, m.folder_id, m.uid) < (?, ?, ?)
          ORDER BY m.internal_date DESC, m.folder_id DESC, m.uid DESC LIMIT ?`,
      )
      .all(JSON.stringify(ids), cursor.internalDate, cursor.folderId, cursor.uid, limit) as MessageRow[];
    return rows.map(toMessage);
  }
}

/**
 * Where one folder's arm starts, so that the arms together continue exactly after the cursor in
 * the order (date, folder, uid) descending: a folder ordered before the cursor's continues at
 * the cursor's date (that date included), the cursor's own folder after its UID, a folder
 * ordered after it below that date. Each is a plain (date, uid) bound its index can seek to.
 */
function armBound(folderId: number, before: MergedCursor | undefined): [number, number] {
  if (!before) return [TOP_DATE, TOP_UID];
  if (folderId < before.folderId) return [before.internalDate, TOP_UID];
  if (folderId === before.folderId) return [before.internalDate, before.uid];
  return [before.internalDate, 0];
}
