import type { Database, Statement } from 'better-sqlite3';
import { AppError } from '../../shared/errors.js';
import { openStore } from './open-store.js';
import { parseSearch, type SearchQueryOptions } from './search-query.js';

/**
 * The local copy of an account's folders and message headers (and, once fetched, body text),
 * with full-text search. Synchronous on purpose: better-sqlite3 answers a prepared statement in
 * microseconds, and a batch of 1,000 headers commits in one transaction in a few milliseconds,
 * well under a frame; a worker thread would add copying without saving time.
 */

export type FolderRole = 'inbox' | 'sent' | 'drafts' | 'trash' | 'junk' | 'archive';

export type FolderInput = {
  accountId: string;
  path: string;
  role: FolderRole | null;
  uidValidity: number | null;
  uidNext: number | null;
  highestModseq: bigint | null;
  /** The server's counts (STATUS), if known. */
  total: number | null;
  unread: number | null;
};

/** How far a folder's local copy reaches; advanced in the same transaction as the messages it describes. */
export type SyncState = {
  uidValidity: number | null;
  /** Every message below this UID (and from oldestUid up) that the server had is stored. */
  uidNext: number | null;
  /** Flags are current up to this MODSEQ (CONDSTORE); null where the server has none. */
  highestModseq: bigint | null;
  /** The lowest UID of the complete range: null before the first batch, 1 once the history is in. */
  oldestUid: number | null;
  /**
   * Every stored reply at or above this UID has its References where its conversation needs
   * them (see sync-folder.ts, fetchMissingReferences); null: none checked yet.
   */
  referencesFromUid: number | null;
  syncedAt: number | null;
};

/** A folder as the server lists it (LIST + STATUS), for the folder tree. */
export type ListedFolderInput = {
  path: string;
  name: string;
  role: FolderRole | null;
  delimiter: string | null;
  selectable: boolean;
  subscribed: boolean;
  total: number | null;
  unread: number | null;
};

export type Folder = FolderInput & {
  id: number;
  name: string | null;
  delimiter: string | null;
  selectable: boolean;
  subscribed: boolean;
  oldestUid: number | null;
  referencesFromUid: number | null;
  syncedAt: number | null;
};

/** One transaction of a sync: the messages it brought, the flags and removals, and how far it got. */
export type SyncBatch = {
  upsert?: readonly MessageInput[];
  flags?: readonly { uid: number; flags: MessageFlags }[];
  remove?: readonly number[];
  state?: Partial<SyncState>;
  /** UIDVALIDITY changed to this: drop every message first (see resetFolder). */
  reset?: number;
  /** References fetched later for replies stored without them (see SyncState.referencesFromUid). */
  references?: readonly { uid: number; references: string[] }[];
  /** New messages' search entries are written later (indexPending), not in this step. */
  indexLater?: boolean;
};

export type Address = { name: string; address: string };

export type MessageFlags = {
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  deleted: boolean;
  /** Every other keyword, e.g. $Junk or $Forwarded. */
  keywords: string[];
};

export type MessageInput = {
  uid: number;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  /** The Date header, ms since epoch, if it parsed. */
  date: number | null;
  /** Arrival on the server (IMAP INTERNALDATE), ms since epoch: what lists sort by. */
  internalDate: number;
  size: number;
  flags: MessageFlags;
  hasAttachments: boolean;
  snippet?: string | null;
  /** Left as it is in the store when omitted or null: a header resync must not drop a body. */
  bodyText?: string | null;
};

/** A stored message with where its raw source is kept (see MessageStore.message). */
export type KeptMessage = StoredMessage & { bodyFile: string | null; sourceInStore: boolean };

export type StoredMessage = Omit<MessageInput, 'snippet' | 'bodyText'> & {
  id: number;
  folderId: number;
  snippet: string | null;
  bodyText: string | null;
};

/** Keyset cursor: the last message of the previous page (and, for a sender or subject sort, its sender or subject). */
export type ListCursor = { internalDate: number; uid: number; key?: string };

/** What a list is ordered by: newest first, or sender / subject A to Z (case-insensitive), newest first within one. */
export type ListSort = 'date' | 'sender' | 'subject';

/** The sort key's expression: what the renderer shows (the sender's name, else its address; the subject). */
const SORT_KEYS: Record<Exclude<ListSort, 'date'>, string> = {
  sender: "coalesce(nullif(m.from_name, ''), m.from_address, '')",
  subject: 'm.subject',
};

export type SearchOptions = SearchQueryOptions & {
  accountId?: string;
  /** Only these accounts' folders (All inboxes' search); none given, none found. */
  accountIds?: readonly string[];
  folderId?: number;
  limit?: number;
};

/** A messages row as SQLite returns it (see MESSAGE_COLUMNS). */
export type MessageRow = {
  id: number;
  folder_id: number;
  uid: number;
  message_id: string | null;
  in_reply_to: string | null;
  references_ids: string;
  subject: string;
  from_name: string | null;
  from_address: string | null;
  to_addresses: string;
  cc_addresses: string;
  date: number | null;
  internal_date: number;
  size: number;
  seen: number;
  flagged: number;
  answered: number;
  draft: number;
  deleted: number;
  keywords: string;
  has_attachments: number;
  body_text: string | null;
  snippet: string | null;
};

type FolderRow = {
  id: number;
  account_id: string;
  path: string;
  role: FolderRole | null;
  uidvalidity: number | null;
  uidnext: number | null;
  highestmodseq: string | null;
  total: number | null;
  unread: number | null;
  name: string | null;
  delimiter: string | null;
  selectable: number;
  subscribed: number;
  oldest_uid: number | null;
  references_from_uid: number | null;
  synced_at: number | null;
};

/** Every column toMessage reads, on the messages table aliased `m`. */
export const MESSAGE_COLUMNS = `m.id, m.folder_id, m.uid, m.message_id, m.in_reply_to, m.references_ids, m.subject,
  m.from_name, m.from_address, m.to_addresses, m.cc_addresses, m.date, m.internal_date, m.size,
  m.seen, m.flagged, m.answered, m.draft, m.deleted, m.keywords, m.has_attachments, m.body_text, m.snippet`;

const bit = (value: boolean) => (value ? 1 : 0);

export function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    folderId: row.folder_id,
    uid: row.uid,
    messageId: row.message_id,
    inReplyTo: row.in_reply_to,
    references: JSON.parse(row.references_ids) as string[],
    subject: row.subject,
    from: row.from_address === null && row.from_name === null ? null : { name: row.from_name ?? '', address: row.from_address ?? '' },
    to: JSON.parse(row.to_addresses) as Address[],
    cc: JSON.parse(row.cc_addresses) as Address[],
    date: row.date,
    internalDate: row.internal_date,
    size: row.size,
    flags: {
      seen: row.seen === 1,
      flagged: row.flagged === 1,
      answered: row.answered === 1,
      draft: row.draft === 1,
      deleted: row.deleted === 1,
      keywords: JSON.parse(row.keywords) as string[],
    },
    hasAttachments: row.has_attachments === 1,
    snippet: row.snippet,
    bodyText: row.body_text,
  };
}

function toFolder(row: FolderRow): Folder {
  return {
    id: row.id,
    accountId: row.account_id,
    path: row.path,
    role: row.role,
    uidValidity: row.uidvalidity,
    uidNext: row.uidnext,
    highestModseq: row.highestmodseq === null ? null : BigInt(row.highestmodseq),
    total: row.total,
    unread: row.unread,
    name: row.name,
    delimiter: row.delimiter,
    selectable: row.selectable === 1,
    subscribed: row.subscribed === 1,
    oldestUid: row.oldest_uid,
    referencesFromUid: row.references_from_uid,
    syncedAt: row.synced_at,
  };
}

/** A listed folder as the named parameters of the folder statements. */
function folderParams(accountId: string, f: ListedFolderInput) {
  return {
    accountId,
    path: f.path,
    role: f.role,
    name: f.name,
    delimiter: f.delimiter,
    selectable: bit(f.selectable),
    subscribed: bit(f.subscribed),
    total: f.total,
    unread: f.unread,
  };
}

/** The columns the search index is made from. */
type IndexedRow = {
  id: number;
  from_name: string | null;
  from_address: string | null;
  to_addresses: string;
  cc_addresses: string;
  subject: string;
  body_text: string | null;
};

/** A message's search entry: sender, recipients, subject, body (the columns of messages_fts). */
function indexedText(row: IndexedRow): [string, string, string, string] {
  const people = (json: string) => (JSON.parse(json) as Address[]).map((a) => `${a.name ?? ''} ${a.address ?? ''}`).join(' ');
  return [
    `${row.from_name ?? ''} ${row.from_address ?? ''}`,
    `${people(row.to_addresses)} ${people(row.cc_addresses)}`,
    row.subject ?? '',
    row.body_text ?? '',
  ];
}

function sameIndexedText(a: IndexedRow, b: IndexedRow): boolean {
  return (
    a.from_name === b.from_name &&
    a.from_address === b.from_address &&
    a.to_addresses === b.to_addresses &&
    a.cc_addresses === b.cc_addresses &&
    a.subject === b.subject &&
    a.body_text === b.body_text
  );
}

/** Only the plain fields of an address: callers may pass richer objects from a parser. */
const addressesJson = (list: Address[]) => JSON.stringify(list.map(({ name, address }) => ({ name, address })));

export class MessageStore {
  /** Opens the store file in a profile folder (see openStore for the durability choices). */
  static open(profileDir: string): MessageStore {
    return new MessageStore(openStore(profileDir));
  }

  private readonly statements: {
    upsertFolder: Statement;
    folderById: Statement;
    foldersOfAccount: Statement;
    upsertMessage: Statement;
    setFlags: Statement;
    removeUid: Statement;
    clearFolder: Statement;
    setBody: Statement;
    listFirst: Statement;
    listAfter: Statement;
    counts: Statement;
    uids: Statement;
    folderByPath: Statement;
    upsertListed: Statement;
    removeFolder: Statement;
    messageByUid: Statement;
    setBodyFile: Statement;
    uidsInRange: Statement;
    indexedText: Statement;
    indexedTextInRange: Statement;
    ftsInsert: Statement;
    ftsDelete: Statement;
    ftsDeleteFolder: Statement;
    idOf: Statement;
    withoutBody: Statement;
    sourceOf: Statement;
    keepSource: Statement;
    copySource: Statement;
    setReferences: Statement;
    repliesWithoutParent: Statement;
    addPending: Statement;
    dropPending: Statement;
    pendingEntries: Statement;
    anyPending: Statement;
  };

  constructor(readonly db: Database) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      upsertFolder: prepare(`
        INSERT INTO folders (account_id, path, role, uidvalidity, uidnext, highestmodseq, total, unread)
        VALUES (@accountId, @path, @role, @uidValidity, @uidNext, @highestModseq, @total, @unread)
        ON CONFLICT (account_id, path) DO UPDATE SET
          role = excluded.role, uidvalidity = excluded.uidvalidity, uidnext = excluded.uidnext,
          highestmodseq = excluded.highestmodseq, total = excluded.total, unread = excluded.unread
        RETURNING id`),
      folderById: prepare('SELECT * FROM folders WHERE id = ?'),
      foldersOfAccount: prepare('SELECT * FROM folders WHERE account_id = ? ORDER BY path'),
      upsertMessage: prepare(`
        INSERT INTO messages (folder_id, uid, message_id, in_reply_to, references_ids, subject,
          from_name, from_address, to_addresses, cc_addresses, date, internal_date, size,
          seen, flagged, answered, draft, deleted, keywords, has_attachments, body_text, snippet)
        VALUES (@folderId, @uid, @messageId, @inReplyTo, @references, @subject,
          @fromName, @fromAddress, @to, @cc, @date, @internalDate, @size,
          @seen, @flagged, @answered, @draft, @deleted, @keywords, @hasAttachments, @bodyText, @snippet)
        ON CONFLICT (folder_id, uid) DO UPDATE SET
          message_id = excluded.message_id, in_reply_to = excluded.in_reply_to,
          -- Stored again without References (the history's rows have none): keep the ones fetched.
          references_ids = CASE WHEN excluded.references_ids = '[]' AND messages.in_reply_to IS excluded.in_reply_to
            THEN messages.references_ids ELSE excluded.references_ids END,
          subject = excluded.subject,
          from_name = excluded.from_name, from_address = excluded.from_address,
          to_addresses = excluded.to_addresses, cc_addresses = excluded.cc_addresses,
          date = excluded.date, internal_date = excluded.internal_date, size = excluded.size,
          seen = excluded.seen, flagged = excluded.flagged, answered = excluded.answered,
          draft = excluded.draft, deleted = excluded.deleted, keywords = excluded.keywords,
          has_attachments = excluded.has_attachments,
          body_text = coalesce(excluded.body_text, messages.body_text),
          snippet = coalesce(excluded.snippet, messages.snippet)`),
      setFlags: prepare(`
        UPDATE messages SET seen = @seen, flagged = @flagged, answered = @answered, draft = @draft,
          deleted = @deleted, keywords = @keywords
        WHERE folder_id = @folderId AND uid = @uid`),
      removeUid: prepare('DELETE FROM messages WHERE folder_id = ? AND uid = ?'),
      clearFolder: prepare('DELETE FROM messages WHERE folder_id = ?'),
      setBody: prepare('UPDATE messages SET body_text = @bodyText, snippet = coalesce(@snippet, snippet) WHERE folder_id = @folderId AND uid = @uid'),
      listFirst: prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.folder_id = ?
        ORDER BY m.internal_date DESC, m.uid DESC LIMIT ?`),
      // Row values use the (folder_id, internal_date DESC, uid DESC) index: a page deep in a
      // 100,000-message folder costs the same as the first.
      listAfter: prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.folder_id = ?
        AND (m.internal_date, m.uid) < (?, ?)
        ORDER BY m.internal_date DESC, m.uid DESC LIMIT ?`),
      counts: prepare(`SELECT
          (SELECT count(*) FROM messages WHERE folder_id = @folderId) AS total,
          (SELECT count(*) FROM messages WHERE folder_id = @folderId AND seen = 0) AS unread`),
      uids: prepare('SELECT uid FROM messages WHERE folder_id = ? ORDER BY uid').pluck(),
      folderByPath: prepare('SELECT * FROM folders WHERE account_id = ? AND path = ?'),
      // The listing never touches the sync state: a folder keeps its copy across LISTs.
      upsertListed: prepare(`
        INSERT INTO folders (account_id, path, role, name, delimiter, selectable, subscribed, total, unread)
        VALUES (@accountId, @path, @role, @name, @delimiter, @selectable, @subscribed, @total, @unread)
        ON CONFLICT (account_id, path) DO UPDATE SET
          role = excluded.role, name = excluded.name, delimiter = excluded.delimiter,
          selectable = excluded.selectable, subscribed = excluded.subscribed,
          total = excluded.total, unread = excluded.unread
        RETURNING id`),
      removeFolder: prepare('DELETE FROM folders WHERE id = ?'),
      messageByUid: prepare(`SELECT ${MESSAGE_COLUMNS}, m.body_file,
        EXISTS (SELECT 1 FROM message_sources s WHERE s.message_id = m.id) AS source_in_store
        FROM messages m WHERE m.folder_id = ? AND m.uid = ?`),
      setBodyFile: prepare(`UPDATE messages SET body_file = @file, body_text = @bodyText, snippet = @snippet
        WHERE folder_id = @folderId AND uid = @uid`),
      uidsInRange: prepare('SELECT uid FROM messages WHERE folder_id = ? AND uid >= ? AND uid < ? ORDER BY uid').pluck(),
      indexedText: prepare(`SELECT id, from_name, from_address, to_addresses, cc_addresses, subject, body_text
        FROM messages WHERE folder_id = ? AND uid = ?`),
      indexedTextInRange: prepare(`SELECT uid, id, from_name, from_address, to_addresses, cc_addresses, subject, body_text
        FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ?`),
      ftsInsert: prepare('INSERT INTO messages_fts (rowid, sender, recipients, subject, body) VALUES (?, ?, ?, ?, ?)'),
      ftsDelete: prepare('DELETE FROM messages_fts WHERE rowid = ?'),
      ftsDeleteFolder: prepare('DELETE FROM messages_fts WHERE rowid IN (SELECT id FROM messages WHERE folder_id = ?)'),
      idOf: prepare('SELECT id FROM messages WHERE folder_id = ? AND uid = ?').pluck(),
      withoutBody: prepare(`SELECT uid, size FROM messages WHERE folder_id = ? AND internal_date >= ? AND body_file IS NULL
        AND size <= ? ORDER BY internal_date DESC, uid DESC LIMIT ?`),
      sourceOf: prepare('SELECT s.source FROM message_sources s JOIN messages m ON m.id = s.message_id WHERE m.folder_id = ? AND m.uid = ?').pluck(),
      keepSource: prepare('INSERT OR REPLACE INTO message_sources (message_id, source) SELECT id, ? FROM messages WHERE folder_id = ? AND uid = ?'),
      copySource: prepare(`INSERT OR REPLACE INTO message_sources (message_id, source)
        SELECT t.id, s.source FROM messages f JOIN message_sources s ON s.message_id = f.id, messages t
        WHERE f.folder_id = ? AND f.uid = ? AND t.folder_id = ? AND t.uid = ?`),
      setReferences: prepare('UPDATE messages SET references_ids = ? WHERE folder_id = ? AND uid = ?'),
      // The parent may be in any folder of the account (a reply in the Inbox to a message in
      // Sent). One read of the account's ids (an index on message_id doubled the cost of storing
      // a message: random ids make random B-tree inserts), about 0.1 s at 100,000 messages.
      repliesWithoutParent: prepare(`SELECT m.uid FROM messages m
        WHERE m.folder_id = @folderId AND m.uid >= @from AND m.uid < @to
          AND m.in_reply_to IS NOT NULL AND m.references_ids = '[]'
          AND m.in_reply_to NOT IN (SELECT p.message_id FROM messages p
            WHERE p.folder_id IN (SELECT id FROM folders WHERE account_id = (SELECT account_id FROM folders WHERE id = @folderId))
              AND p.message_id IS NOT NULL)
        ORDER BY m.uid DESC`).pluck(),
      addPending: prepare('INSERT OR IGNORE INTO fts_pending (message_id) VALUES (?)'),
      dropPending: prepare('DELETE FROM fts_pending WHERE message_id = ?'),
      pendingEntries: prepare(`SELECT m.id, m.from_name, m.from_address, m.to_addresses, m.cc_addresses, m.subject, m.body_text
        FROM fts_pending p JOIN messages m ON m.id = p.message_id ORDER BY p.message_id LIMIT ?`),
      anyPending: prepare('SELECT EXISTS (SELECT 1 FROM fts_pending)').pluck(),
    };
  }

  close(): void {
    this.db.close();
  }

  /** Creates or updates a folder by (account, path); returns its id. */
  upsertFolder(folder: FolderInput): number {
    const row = this.statements.upsertFolder.get({
      ...folder,
      highestModseq: folder.highestModseq === null ? null : folder.highestModseq.toString(),
    }) as { id: number };
    return row.id;
  }

  folder(id: number): Folder | undefined {
    const row = this.statements.folderById.get(id) as FolderRow | undefined;
    return row && toFolder(row);
  }

  folders(accountId: string): Folder[] {
    return (this.statements.foldersOfAccount.all(accountId) as FolderRow[]).map(toFolder);
  }

  folderByPath(accountId: string, path: string): Folder | undefined {
    const row = this.statements.folderByPath.get(accountId, path) as FolderRow | undefined;
    return row && toFolder(row);
  }

  /**
   * Records the server's folder list: adds and updates folders (keeping each one's local copy),
   * and drops folders the server no longer lists, with their messages. Returns the folders.
   */
  saveFolderList(accountId: string, listed: readonly ListedFolderInput[]): Folder[] {
    this.db.transaction(() => {
      const keep = new Set<number>();
      for (const f of listed) {
        const row = this.statements.upsertListed.get(folderParams(accountId, f)) as { id: number };
        keep.add(row.id);
      }
      for (const folder of this.folders(accountId)) if (!keep.has(folder.id)) this.removeFolder(folder.id);
    }).immediate();
    return this.folders(accountId);
  }

  /**
   * Creates those of the given folders that the account lacks, touching no other folder and no
   * existing one (unlike saveFolderList, which mirrors a server's list): for local folders, such
   * as a POP3 account's Inbox, Sent, Drafts and Trash. Returns the account's folders.
   */
  ensureFolders(accountId: string, wanted: readonly ListedFolderInput[]): Folder[] {
    const insert = this.db.prepare(`
      INSERT INTO folders (account_id, path, role, name, delimiter, selectable, subscribed, total, unread)
      VALUES (@accountId, @path, @role, @name, @delimiter, @selectable, @subscribed, @total, @unread)
      ON CONFLICT (account_id, path) DO NOTHING`);
    this.db.transaction(() => {
      for (const f of wanted) insert.run(folderParams(accountId, f));
    }).immediate();
    return this.folders(accountId);
  }

  /** Drops a folder with its messages and their search entries. */
  removeFolder(folderId: number): void {
    this.db.transaction(() => {
      this.statements.ftsDeleteFolder.run(folderId);
      this.statements.removeFolder.run(folderId);
    }).immediate();
  }

  /**
   * A folder renamed on the server keeps its local copy under the new path, its subfolders
   * with it (their sync checks UIDVALIDITY as always, and starts over if the server changed it).
   */
  renameFolderPath(accountId: string, from: string, to: string, delimiter: string | null): void {
    this.db.transaction(() => {
      const rename = this.db.prepare('UPDATE folders SET path = ? WHERE id = ?');
      for (const folder of this.folders(accountId)) {
        if (folder.path === from) rename.run(to, folder.id);
        else if (delimiter && folder.path.startsWith(from + delimiter)) rename.run(to + folder.path.slice(from.length), folder.id);
      }
    }).immediate();
  }

  /** The folder's sync state (see SyncState). */
  syncState(folderId: number): SyncState {
    const folder = this.folder(folderId);
    if (!folder) throw new Error(`no folder ${folderId} in the store`);
    const { uidValidity, uidNext, highestModseq, oldestUid, referencesFromUid, syncedAt } = folder;
    return { uidValidity, uidNext, highestModseq, oldestUid, referencesFromUid, syncedAt };
  }

  /**
   * Applies one step of a sync in one transaction: the messages, flags and removals together with
   * the state that says they are in. A crash or a cut connection leaves the previous step whole,
   * and the next sync starts from the state that matches the rows.
   */
  applySync(folderId: number, batch: SyncBatch): void {
    this.db.transaction(() => {
      if (batch.reset !== undefined) this.resetFolder(folderId, batch.reset);
      if (batch.upsert?.length) this.upsertMessages(folderId, batch.upsert, { indexLater: batch.indexLater === true });
      if (batch.flags?.length) this.setFlags(folderId, batch.flags);
      if (batch.remove?.length) this.removeUids(folderId, batch.remove);
      if (batch.references?.length) this.setReferences(folderId, batch.references);
      if (batch.state) this.setSyncState(folderId, batch.state);
    }).immediate();
  }

  /**
   * The replies with UIDs in [from, to) that have no References and whose parent (In-Reply-To)
   * is in no folder of the account, newest first: those whose conversation needs References.
   */
  repliesWithoutParent(folderId: number, from: number, to: number): number[] {
    return this.statements.repliesWithoutParent.all({ folderId, from, to }) as number[];
  }

  private setReferences(folderId: number, updates: readonly { uid: number; references: string[] }[]): void {
    const set = this.statements.setReferences;
    for (const { uid, references } of updates) set.run(JSON.stringify(references), folderId, uid);
  }

  /** After a UIDVALIDITY change every stored UID means nothing: drop them and start over. */
  resetFolder(folderId: number, uidValidity: number): void {
    this.db.transaction(() => {
      this.statements.ftsDeleteFolder.run(folderId);
      this.statements.clearFolder.run(folderId);
      this.db
        .prepare('UPDATE folders SET uidvalidity = ?, uidnext = NULL, highestmodseq = NULL, oldest_uid = NULL, references_from_uid = NULL, synced_at = NULL WHERE id = ?')
        .run(uidValidity, folderId);
    }).immediate();
  }

  private setSyncState(folderId: number, state: Partial<SyncState>): void {
    const columns: Record<keyof SyncState, string> = {
      uidValidity: 'uidvalidity',
      uidNext: 'uidnext',
      highestModseq: 'highestmodseq',
      oldestUid: 'oldest_uid',
      referencesFromUid: 'references_from_uid',
      syncedAt: 'synced_at',
    };
    const sets: string[] = [];
    const values: (number | string | null)[] = [];
    for (const key of Object.keys(columns) as (keyof SyncState)[]) {
      if (!(key in state)) continue;
      const value = state[key];
      sets.push(`${columns[key]} = ?`);
      values.push(typeof value === 'bigint' ? value.toString() : (value ?? null));
    }
    if (sets.length === 0) return;
    // Column names come from the fixed table above; every value is bound.
    this.db.prepare(`UPDATE folders SET ${sets.join(', ')} WHERE id = ?`).run(...values, folderId);
  }

  /**
   * One stored message, with where its raw source is kept: the file `bodyFile`, or the store
   * itself (`sourceInStore`, see sourceOf), or nowhere yet.
   */
  message(folderId: number, uid: number): KeptMessage | undefined {
    const row = this.statements.messageByUid.get(folderId, uid) as (MessageRow & { body_file: string | null; source_in_store: number }) | undefined;
    return row && { ...toMessage(row), bodyFile: row.body_file, sourceInStore: row.source_in_store === 1 };
  }

  /** The stored messages among these UIDs of a folder, in the order given (missing ones left out). */
  messagesByUid(folderId: number, uids: readonly number[]): KeptMessage[] {
    return uids.map((uid) => this.message(folderId, uid)).filter((row): row is KeptMessage => row !== undefined);
  }

  /** The account's folder at `path`; NOT_FOUND (a typed error for the person) when there is none. */
  existingFolder(accountId: string, path: string): Folder {
    const folder = this.folderByPath(accountId, path);
    if (!folder) throw new AppError('NOT_FOUND', { message: 'That folder does not exist.' });
    return folder;
  }

  /** The raw source kept in the store for this message (a local folder's small message), if any. */
  sourceOf(folderId: number, uid: number): Buffer | undefined {
    return this.statements.sourceOf.get(folderId, uid) as Buffer | undefined;
  }

  /** Keeps `source` as the raw source of a stored message (inside the caller's transaction, if any). */
  keepSource(folderId: number, uid: number, source: Buffer): void {
    this.statements.keepSource.run(source, folderId, uid);
  }

  /** Copies the source kept in the store from one message to another (a local move or copy). */
  copySource(from: { folderId: number; uid: number }, to: { folderId: number; uid: number }): void {
    this.statements.copySource.run(from.folderId, from.uid, to.folderId, to.uid);
  }


  /** Messages arrived since `since` (ms) whose source is not kept, up to `maxSize` bytes each; newest first. */
  withoutBody(folderId: number, { since, maxSize, limit }: { since: number; maxSize: number; limit: number }): { uid: number; size: number }[] {
    return this.statements.withoutBody.all(folderId, since, maxSize, limit) as { uid: number; size: number }[];
  }

  /** Records that a message's source was kept (and its text, for search). */
  setBodyFile(folderId: number, uid: number, file: string, bodyText: string, snippet: string): boolean {
    return this.db.transaction(() => {
      const changed = this.statements.setBodyFile.run({ folderId, uid, file, bodyText, snippet }).changes === 1;
      if (changed) this.reindex(folderId, uid);
      return changed;
    }).immediate();
  }

  /** Writes a message's search entry again from its row (after its body arrived). */
  private reindex(folderId: number, uid: number): void {
    const row = this.statements.indexedText.get(folderId, uid) as IndexedRow | undefined;
    if (!row) return;
    this.statements.ftsDelete.run(row.id);
    this.statements.ftsInsert.run(row.id, ...indexedText(row));
    this.statements.dropPending.run(row.id);
  }

  /**
   * Writes up to `limit` of the search entries left for later (SyncBatch.indexLater), oldest
   * rows first, in one transaction; returns how many. 0 once none is left.
   */
  indexPending(limit = 2_000): number {
    const { pendingEntries, ftsInsert, dropPending } = this.statements;
    return this.db.transaction(() => {
      const rows = pendingEntries.all(limit) as IndexedRow[];
      for (const row of rows) ftsInsert.run(row.id, ...indexedText(row));
      for (const row of rows) dropPending.run(row.id);
      return rows.length;
    }).immediate();
  }

  /** Whether some search entries are still to be written (see indexPending). */
  hasPendingIndex(): boolean {
    return this.statements.anyPending.get() === 1;
  }

  /** The stored UIDs in [from, to), ascending. */
  uidsInRange(folderId: number, from: number, to: number): number[] {
    return this.statements.uidsInRange.all(folderId, from, to) as number[];
  }

  /**
   * Inserts or updates a batch in one transaction: all of it is stored, or none. The search
   * entry of a new message is written with it (or, with `indexLater`, left to indexPending); an
   * existing one's only when its indexed text changed (a header resync with the same values, or
   * a flag change, leaves the index alone).
   */
  upsertMessages(folderId: number, batch: readonly MessageInput[], { indexLater = false } = {}): void {
    const { upsertMessage: upsert, indexedTextInRange, ftsInsert, ftsDelete, addPending, dropPending } = this.statements;
    if (batch.length === 0) return;
    this.db.transaction(() => {
      // What is stored already, in one range read rather than a lookup per message (a first
      // sync's batches are all new).
      let low = Infinity;
      let high = -Infinity;
      for (const m of batch) {
        if (m.uid < low) low = m.uid;
        if (m.uid > high) high = m.uid;
      }
      const stored = new Map((indexedTextInRange.all(folderId, low, high) as (IndexedRow & { uid: number })[]).map((r) => [r.uid, r]));
      // Search entries are written after the rows, not between them: interleaved, each costs
      // three times as much (measured 24 against 8 µs a message).
      const entries: [number, string, string, string, string][] = [];
      for (const m of batch) {
        const old = stored.get(m.uid);
        const to = addressesJson(m.to);
        const cc = addressesJson(m.cc);
        const written = upsert.run({
          folderId,
          uid: m.uid,
          messageId: m.messageId,
          inReplyTo: m.inReplyTo,
          references: JSON.stringify(m.references),
          subject: m.subject,
          fromName: m.from?.name ?? null,
          fromAddress: m.from?.address ?? null,
          to,
          cc,
          date: m.date,
          internalDate: m.internalDate,
          size: m.size,
          seen: bit(m.flags.seen),
          flagged: bit(m.flags.flagged),
          answered: bit(m.flags.answered),
          draft: bit(m.flags.draft),
          deleted: bit(m.flags.deleted),
          keywords: JSON.stringify(m.flags.keywords),
          hasAttachments: bit(m.hasAttachments),
          bodyText: m.bodyText ?? null,
          snippet: m.snippet ?? null,
        });
        // An update keeps the row's id; an insert's is the new rowid.
        const id = old ? old.id : Number(written.lastInsertRowid);
        const row: IndexedRow = {
          id,
          from_name: m.from?.name ?? null,
          from_address: m.from?.address ?? null,
          to_addresses: to,
          cc_addresses: cc,
          subject: m.subject,
          body_text: m.bodyText ?? old?.body_text ?? null,
        };
        if (old && sameIndexedText(old, row)) continue;
        if (old) {
          ftsDelete.run(id);
          dropPending.run(id);
        }
        if (indexLater && !old) addPending.run(id);
        else entries.push([id, ...indexedText(row)]);
      }
      for (const entry of entries) ftsInsert.run(...entry);
    }).immediate();
  }

  /** Replaces the flags of the given messages (as a FETCH FLAGS reply states them). */
  setFlags(folderId: number, updates: readonly { uid: number; flags: MessageFlags }[]): void {
    const set = this.statements.setFlags;
    this.db.transaction(() => {
      for (const { uid, flags } of updates) {
        set.run({
          folderId,
          uid,
          seen: bit(flags.seen),
          flagged: bit(flags.flagged),
          answered: bit(flags.answered),
          draft: bit(flags.draft),
          deleted: bit(flags.deleted),
          keywords: JSON.stringify(flags.keywords),
        });
      }
    }).immediate();
  }

  /** Drops messages the server no longer has (VANISHED, or missing from a UID SEARCH). */
  removeUids(folderId: number, uids: readonly number[]): void {
    const { removeUid: remove, idOf, ftsDelete } = this.statements;
    this.db.transaction(() => {
      for (const uid of uids) {
        const id = idOf.get(folderId, uid) as number | undefined;
        if (id === undefined) continue;
        ftsDelete.run(id);
        remove.run(folderId, uid);
      }
    }).immediate();
  }

  /** Drops every message of a folder: what a UIDVALIDITY change demands before refetching. */
  clearFolder(folderId: number): void {
    this.db.transaction(() => {
      this.statements.ftsDeleteFolder.run(folderId);
      this.statements.clearFolder.run(folderId);
    }).immediate();
  }

  setBody(folderId: number, uid: number, bodyText: string, snippet?: string): boolean {
    return this.db.transaction(() => {
      const changed = this.statements.setBody.run({ folderId, uid, bodyText, snippet: snippet ?? null }).changes === 1;
      if (changed) this.reindex(folderId, uid);
      return changed;
    }).immediate();
  }

  /**
   * What reading a kept source found, for many messages in one transaction: their text (and
   * search entries), snippets, and whether they carry attachments.
   */
  setReadBodies(folderId: number, bodies: readonly { uid: number; bodyText: string; snippet: string; hasAttachments: boolean }[]): void {
    const update = this.db.prepare(
      'UPDATE messages SET body_text = @bodyText, snippet = @snippet, has_attachments = @hasAttachments WHERE folder_id = @folderId AND uid = @uid',
    );
    this.db.transaction(() => {
      for (const b of bodies) {
        if (update.run({ folderId, uid: b.uid, bodyText: b.bodyText, snippet: b.snippet, hasAttachments: b.hasAttachments ? 1 : 0 }).changes === 1) {
          this.reindex(folderId, b.uid);
        }
      }
    }).immediate();
  }

  /**
   * Messages whose source is kept (in a file, or in the store) but whose text was not read yet
   * (a POP3 download's, see pop3/read-downloaded-bodies.ts).
   */
  unreadBodies(folderId: number, limit: number): { uid: number; bodyFile: string | null; source: Buffer | null }[] {
    return this.db
      .prepare(`SELECT m.uid, m.body_file AS bodyFile, s.source FROM messages m LEFT JOIN message_sources s ON s.message_id = m.id
        WHERE m.folder_id = ? AND m.body_text IS NULL AND (m.body_file IS NOT NULL OR s.source IS NOT NULL) LIMIT ?`)
      .all(folderId, limit) as { uid: number; bodyFile: string | null; source: Buffer | null }[];
  }

  /** Newest first (or by sender or subject); pass the last message of a page as `before` for the next page. */
  listMessages(folderId: number, { limit = 100, before, sort = 'date' }: { limit?: number; before?: ListCursor; sort?: ListSort } = {}): StoredMessage[] {
    if (sort !== 'date') return this.listSorted(folderId, sort, limit, before);
    const rows = before
      ? this.statements.listAfter.all(folderId, before.internalDate, before.uid, limit)
      : this.statements.listFirst.all(folderId, limit);
    return (rows as MessageRow[]).map(toMessage);
  }

  /**
   * A page by sender or subject. No index serves these orders, so each page scans the folder's
   * rows (about 40 ms for 100,000 here): the page's ids are picked from the narrow columns first,
   * then only its rows are read whole, as search does.
   */
  private listSorted(folderId: number, sort: Exclude<ListSort, 'date'>, limit: number, before?: ListCursor): StoredMessage[] {
    const key = SORT_KEYS[sort];
    const order = `${key} COLLATE NOCASE, m.internal_date DESC, m.uid DESC`;
    const after = before
      ? `AND (${key} COLLATE NOCASE > @key OR (${key} COLLATE NOCASE = @key AND (m.internal_date, m.uid) < (@internalDate, @uid)))`
      : '';
    const sql = `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id IN (
        SELECT m.id FROM messages m WHERE m.folder_id = @folderId ${after} ORDER BY ${order} LIMIT @limit)
      ORDER BY ${order}`;
    const params = before ? { folderId, limit, key: before.key ?? '', internalDate: before.internalDate, uid: before.uid } : { folderId, limit };
    return (this.searchStatement(sql).all(params) as MessageRow[]).map(toMessage);
  }

  /** The UIDs stored for a folder, ascending: what a resync compares with the server's. */
  uids(folderId: number): number[] {
    return this.statements.uids.all(folderId) as number[];
  }

  /** Counted from the stored messages (the folder row holds the server's own figures). */
  counts(folderId: number): { total: number; unread: number } {
    return this.statements.counts.get({ folderId }) as { total: number; unread: number };
  }

  /** Runs a search box query (see search-query.ts); newest first. */
  search(query: string, options: SearchOptions = {}): StoredMessage[] {
    const parsed = parseSearch(query, options);
    if (!parsed.hasTerms) return [];
    const conditions = [...parsed.conditions];
    const params: (string | number)[] = [];
    if (parsed.match !== null) {
      // The unary + keeps SQLite from driving the query by the match list (fetch every match,
      // then sort them all by date: about 100 ms for a word in every one of 100,000 messages).
      // Instead it walks messages_by_date newest first, checks each against the matches (a
      // bloom filter, then a lookup) and stops at the limit: about 15 ms for the same word,
      // and a few ms for a word nothing has (the whole index is walked, but it is narrow).
      conditions.unshift('+m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)');
      params.push(parsed.match);
    }
    params.push(...parsed.params);
    if (options.folderId !== undefined) {
      conditions.push('m.folder_id = ?');
      params.push(options.folderId);
    }
    if (options.accountId !== undefined) {
      conditions.push('m.folder_id IN (SELECT id FROM folders WHERE account_id = ?)');
      params.push(options.accountId);
    }
    if (options.accountIds !== undefined) {
      if (options.accountIds.length === 0) return [];
      conditions.push(`m.folder_id IN (SELECT id FROM folders WHERE account_id IN (${options.accountIds.map(() => '?').join(', ')}))`);
      params.push(...options.accountIds);
    }
    params.push(options.limit ?? 100);
    // The statement text is built only from the fixed fragments above; every value is bound.
    // The page is chosen first from ids alone, then its rows are read: sorting whole rows
    // (bodies included) for thousands of matches would cost far more than the search.
    const sql = `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id IN (
        SELECT m.id FROM messages m WHERE ${conditions.join(' AND ')}
        ORDER BY m.internal_date DESC, m.id DESC LIMIT ?)
      ORDER BY m.internal_date DESC, m.id DESC`;
    return (this.searchStatement(sql).all(...params) as MessageRow[]).map(toMessage);
  }

  /** Queries differ only in which fixed conditions they combine, so there are few shapes to keep. */
  private readonly searchStatements = new Map<string, Statement>();
  private searchStatement(sql: string): Statement {
    let statement = this.searchStatements.get(sql);
    if (!statement) {
      if (this.searchStatements.size >= 64) this.searchStatements.clear();
      statement = this.db.prepare(sql);
      this.searchStatements.set(sql, statement);
    }
    return statement;
  }
}
