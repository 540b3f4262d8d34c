import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, tracked with `PRAGMA user_version` (an integer in the database header, so no
 * bookkeeping table can drift from the schema it describes). Each migration runs in its own
 * transaction together with the version bump: a crash mid-migration leaves the previous version
 * intact, and the next start simply runs it again.
 *
 * Never edit a migration that has shipped; append a new one.
 */
export type Migration = { version: number; name: string; up: (db: Database) => void };

/** The database was written by a newer version of the app: opening it could destroy data. */
export class StoreTooNewError extends Error {
  override readonly name = 'StoreTooNewError';
  readonly code = 'STORE_TOO_NEW';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`The mail store was created by a newer version of the app (schema ${found}; this version knows up to ${known}). Update the app to open it.`);
  }
}

const ROLES = "'inbox','sent','drafts','trash','junk','archive'";

/** The recipients of a message as plain words for the index: "name address name address ...". */
const recipientsText = (column: string) =>
  `coalesce((SELECT group_concat(coalesce(json_extract(value, '$.name'), '') || ' ' || coalesce(json_extract(value, '$.address'), ''), ' ') FROM json_each(${column})), '')`;

const ftsRow = (row: 'new') =>
  `${row}.id, coalesce(${row}.from_name, '') || ' ' || coalesce(${row}.from_address, ''), ` +
  `${recipientsText(`${row}.to_addresses`)} || ' ' || ${recipientsText(`${row}.cc_addresses`)}, ` +
  `coalesce(${row}.subject, ''), coalesce(${row}.body_text, '')`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'folders, messages and the search index',
    up(db) {
      db.exec(`
        -- STRICT: a wrong type from a caller is an error now, not a surprise in a later query.
        CREATE TABLE folders (
          id            INTEGER PRIMARY KEY,
          account_id    TEXT    NOT NULL,
          path          TEXT    NOT NULL,
          role          TEXT    CHECK (role IS NULL OR role IN (${ROLES})),
          uidvalidity   INTEGER,
          uidnext       INTEGER,
          -- MODSEQ is an unsigned 63-bit number: kept as decimal text so it never loses precision.
          highestmodseq TEXT,
          -- The server's own counts (STATUS); the local ones are counted from messages.
          total         INTEGER,
          unread        INTEGER,
          UNIQUE (account_id, path)
        ) STRICT;

        CREATE TABLE messages (
          id              INTEGER PRIMARY KEY,  -- the rowid the search index points at
          folder_id       INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
          uid             INTEGER NOT NULL,
          message_id      TEXT,
          in_reply_to     TEXT,
          references_ids  TEXT    NOT NULL DEFAULT '[]',  -- JSON array of message ids
          subject         TEXT    NOT NULL DEFAULT '',
          from_name       TEXT,
          from_address    TEXT,
          to_addresses    TEXT    NOT NULL DEFAULT '[]',  -- JSON array of {name, address}
          cc_addresses    TEXT    NOT NULL DEFAULT '[]',
          date            INTEGER,                        -- the Date header, ms since epoch
          internal_date   INTEGER NOT NULL,               -- arrival on the server, ms since epoch
          size            INTEGER NOT NULL DEFAULT 0,
          -- The five system flags as columns, so unread counts and filters are indexable;
          -- any other keyword (e.g. $Junk) as a JSON array.
          seen            INTEGER NOT NULL DEFAULT 0 CHECK (seen IN (0, 1)),
          flagged         INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
          answered        INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
          draft           INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1)),
          deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
          keywords        TEXT    NOT NULL DEFAULT '[]',
          has_attachments INTEGER NOT NULL DEFAULT 0 CHECK (has_attachments IN (0, 1)),
          body_text       TEXT,                           -- null until the body is fetched
          snippet         TEXT,
          UNIQUE (folder_id, uid)
        ) STRICT;

        -- The message list: newest first within a folder, paged by (internal_date, uid).
        CREATE INDEX messages_by_folder_newest ON messages (folder_id, internal_date DESC, uid DESC);
        -- Unread counts touch only the unread rows.
        CREATE INDEX messages_unread ON messages (folder_id) WHERE seen = 0;
        -- Search: results newest first across folders. It carries every column a search filter
        -- reads, so a search walks this index alone, newest first, probing the full-text matches,
        -- and stops at the first page (see MessageStore.search).
        CREATE INDEX messages_by_date ON messages (internal_date DESC, seen, flagged, has_attachments, folder_id);

        -- Contentless: the text already lives in messages, so the index keeps no second copy of
        -- every body. contentless_delete
        -- lets triggers remove rows, which keeps it exact with no help from the caller.
        CREATE VIRTUAL TABLE messages_fts USING fts5(
          sender, recipients, subject, body,
          content = '', contentless_delete = 1,
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '2 3'
        );

        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
          INSERT INTO messages_fts (rowid, sender, recipients, subject, body) VALUES (${ftsRow('new')});
        END;

        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
          DELETE FROM messages_fts WHERE rowid = old.id;
        END;

        -- Only when indexed text changes: a flag change or a header resync with the same values
        -- must not rewrite the index.
        CREATE TRIGGER messages_fts_update AFTER UPDATE ON messages
        WHEN old.from_name IS NOT new.from_name OR old.from_address IS NOT new.from_address
          OR old.to_addresses IS NOT new.to_addresses OR old.cc_addresses IS NOT new.cc_addresses
          OR old.subject IS NOT new.subject OR old.body_text IS NOT new.body_text
        BEGIN
          DELETE FROM messages_fts WHERE rowid = old.id;
          INSERT INTO messages_fts (rowid, sender, recipients, subject, body) VALUES (${ftsRow('new')});
        END;
      `);
    },
  },
  {
    version: 2,
    name: 'folder sync state and kept bodies',
    up(db) {
      db.exec(`
        -- What the folder list shows when offline, and how far each folder's copy reaches:
        -- every UID in [oldest_uid, uidnext) that the server had at the last sync is stored.
        -- uidnext and highestmodseq (from version 1) now mean "our copy is complete up to".
        ALTER TABLE folders ADD COLUMN name        TEXT;
        ALTER TABLE folders ADD COLUMN delimiter   TEXT;
        ALTER TABLE folders ADD COLUMN selectable  INTEGER NOT NULL DEFAULT 1 CHECK (selectable IN (0, 1));
        ALTER TABLE folders ADD COLUMN subscribed  INTEGER NOT NULL DEFAULT 1 CHECK (subscribed IN (0, 1));
        -- NULL until the first batch is in; 1 once the whole history is.
        ALTER TABLE folders ADD COLUMN oldest_uid  INTEGER;
        ALTER TABLE folders ADD COLUMN synced_at   INTEGER;

        -- The raw message, kept as a file beside the store once fetched (path relative to the
        -- profile's bodies folder): opening it again costs no network.
        ALTER TABLE messages ADD COLUMN body_file TEXT;
      `);
    },
  },
  {
    version: 3,
    name: 'conversations (threads)',
    up(db) {
      db.exec(`
        -- One row per conversation; ThreadIndex (threading.ts) creates, merges and fills them.
        -- orphan_key: the normalized subject while every message of the thread is a reply or
        -- forward whose parent is not stored; an original with that subject arriving later (sync
        -- runs newest first) pulls the thread in, as if the reply had arrived after it.
        CREATE TABLE threads (
          id          INTEGER PRIMARY KEY,
          account_id  TEXT    NOT NULL,
          orphan_key  TEXT
        ) STRICT;
        CREATE INDEX threads_orphans ON threads (account_id, orphan_key) WHERE orphan_key IS NOT NULL;

        -- Every Message-ID seen in an account, as a message's own or only as a reference (a parent
        -- not stored, or not yet): a child arriving before its parent leaves the parent's id here,
        -- and the parent finds its thread by it. Ids are compared exactly, without <> and spaces.
        -- subject_key is NULL for an id only referenced, else the normalized subject of the first
        -- message that carried it (a second message reusing the id with another subject is a
        -- broken mailer, not a copy, and does not join by it).
        CREATE TABLE thread_message_ids (
          account_id  TEXT    NOT NULL,
          message_id  TEXT    NOT NULL,
          thread_id   INTEGER NOT NULL,
          subject_key TEXT,
          PRIMARY KEY (account_id, message_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX thread_message_ids_by_thread ON thread_message_ids (thread_id);

        -- NULL until ThreadIndex.assign has seen the message (rows from before this version too).
        ALTER TABLE messages ADD COLUMN thread_id   INTEGER;
        -- The normalized subject (prefixes and list tags stripped, folded), for the subject fallback.
        ALTER TABLE messages ADD COLUMN subject_key TEXT;
        -- Partial: a row is inserted unthreaded and threaded just after; a NULL entry would be
        -- written and deleted again for every message (a third of ThreadIndex.assign's time).
        -- The reader (a thread's messages by date) and merges.
        CREATE INDEX messages_by_thread ON messages (thread_id) WHERE thread_id IS NOT NULL;
        -- The threaded list: per folder, a thread's newest message is found by one probe.
        CREATE INDEX messages_by_folder_thread ON messages (folder_id, thread_id, internal_date DESC, uid DESC)
          WHERE thread_id IS NOT NULL;
        -- Subject fallback: same normalized subject, within a date window.
        CREATE INDEX messages_by_subject_key ON messages (subject_key, coalesce(date, internal_date))
          WHERE subject_key IS NOT NULL;
      `);
    },
  },
  {
    version: 4,
    name: 'actions waiting for the server',
    up(db) {
      db.exec(`
        -- A change the person made (flags, move, copy, delete) that is already shown but not yet
        -- done on the server: offline, or queued behind other work. Kept here, so it survives a
        -- restart and is applied, in order, on reconnect. undo holds what the local change
        -- replaced, for the rollback if the server refuses.
        CREATE TABLE pending_actions (
          id          INTEGER PRIMARY KEY,
          account_id  TEXT    NOT NULL,
          action      TEXT    NOT NULL,  -- JSON
          undo        TEXT    NOT NULL,  -- JSON
          created_at  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX pending_actions_by_account ON pending_actions (account_id, id);
      `);
    },
  },
  {
    version: 5,
    name: 'search index kept by the store, not by triggers',
    up(db) {
      // FTS5 written from a trigger costs about five times what the same rows cost written by
      // a statement of their own (measured: 17 against 3.4 µs a row): FTS5 flushes its pending
      // text at each statement savepoint, and a trigger on messages makes every statement on
      // messages (threading's UPDATEs too) open one. A header sync writes 100,000 rows.
      // MessageStore now keeps messages_fts itself, in the same transactions.
      db.exec(`
        DROP TRIGGER messages_fts_insert;
        DROP TRIGGER messages_fts_update;
        DROP TRIGGER messages_fts_delete;
      `);
    },
  },
  {
    version: 6,
    name: 'POP3 unique ids already downloaded',
    up(db) {
      db.exec(`
        -- One row per message a POP3 account has downloaded, by its UIDL (the only identity that
        -- lasts across POP3 sessions). Written with synchronous=FULL in the same transaction as the
        -- message's row (main/store/pop3-uids.ts): a row here means "stored, never fetch again".
        -- folder_id/local_uid: where the message went (no foreign key: the record must outlive the
        -- local message, which is how "deleted locally" is seen). deleted_from_server is set only
        -- after the server answered +OK to the QUIT that committed its DELE.
        CREATE TABLE pop3_uids (
          account_id          TEXT    NOT NULL,
          uidl                TEXT    NOT NULL,
          folder_id           INTEGER,
          local_uid           INTEGER,
          downloaded_at       INTEGER NOT NULL,
          deleted_from_server INTEGER NOT NULL DEFAULT 0 CHECK (deleted_from_server IN (0, 1)),
          PRIMARY KEY (account_id, uidl)
        ) STRICT, WITHOUT ROWID;
        -- By account (the primary key leads with it too), oldest first: "delete after N days".
        CREATE INDEX pop3_uids_by_account ON pop3_uids (account_id, downloaded_at);
      `);
    },
  },
  {
    version: 7,
    name: 'message sources kept in the store',
    up(db) {
      db.exec(`
        -- The raw source of a message kept in the database rather than in a file of its own: the
        -- small messages of local (POP3) folders, written in the same transaction as their rows
        -- (main/store/local-messages.ts). A file per message costs about half a millisecond to
        -- create here, more than fetching a typical message; a row costs tens of microseconds.
        -- A message has its source here, or in its body_file, or (IMAP, not yet fetched) nowhere.
        CREATE TABLE message_sources (
          message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
          source     BLOB    NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 8,
    name: 'references checked after the history',
    up(db) {
      db.exec(`
        -- A first sync's history stores replies without their References header: the header
        -- FETCH has none, and asking for it per window cost a round trip and a header read on
        -- the server each. Once the history is in, the sync fetches References only for the
        -- replies whose parent (In-Reply-To) is not stored, since a reply to a stored message
        -- joins that conversation without them (sync-folder.ts). Every reply at or above this
        -- UID has been through that check (or came with its References). Folders synced before
        -- this version fetched References for every reply: checked down to their oldest UID.
        ALTER TABLE folders ADD COLUMN references_from_uid INTEGER;
        UPDATE folders SET references_from_uid = oldest_uid;
      `);
    },
  },
  {
    version: 9,
    name: 'search entries written behind the sync',
    up(db) {
      db.exec(`
        -- Messages whose search entry is still to be written. A first sync's history is indexed
        -- when the writer goes quiet, not row by row as it streams in: the index cost as much CPU
        -- as storing the rows did, on a machine whose two cores the parser and the server also
        -- need. A search first has the writer catch up (store-writer.ts), so it never misses them.
        CREATE TABLE fts_pending (
          message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE
        ) STRICT;
      `);
    },
  },
];

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to the newest known version. Returns the versions it applied (empty when
 * already current). Throws StoreTooNewError, touching nothing, for a database from a newer app.
 */
export function runMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const current = schemaVersion(db);
  if (current > known) throw new StoreTooNewError(current, known);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      // An integer we produced, never user input; PRAGMA takes no bound parameters.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
