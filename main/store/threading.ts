import type { Database, Statement } from 'better-sqlite3';
import { MESSAGE_COLUMNS, toMessage, type ListCursor, type MessageRow, type StoredMessage } from './message-store.js';

/**
 * Conversations in the local store (schema version 3). Call `assign` with the row ids of each
 * upserted batch; it is incremental, idempotent (a message that has a thread keeps it) and runs in
 * one transaction (a savepoint when the caller already holds one).
 *
 * The rules, within one account and across its folders:
 * - References / In-Reply-To: a message joins the thread of every stored message whose Message-ID
 *   it references, and of every stored message that references its own Message-ID (a parent that
 *   arrives after its child). When that touches several threads they merge into the oldest.
 *   Referenced ids that are not stored are remembered too, so two replies to a parent we never
 *   had (or have not fetched yet) meet in one thread. Ids compare exactly after trimming <> and
 *   spaces; an id reused by a message with another subject (a broken mailer) does not link.
 * - Subject fallback: a reply or forward (Re:, Fwd:, AW:, ... prefix) with no findable parent
 *   joins the thread of a message with the same normalized subject dated within 60 days. An
 *   original (no prefix) never joins a thread by subject, so two strangers' "Hello" stay apart;
 *   but it does pull in threads made only of such parentless replies with its subject, which is
 *   where those replies would have gone had the original arrived first (sync runs newest first).
 */

export const SUBJECT_WINDOW_MS = 60 * 24 * 60 * 60 * 1000;

/** A message as the reader and the threaded list show it. */
/** A stored message with the conversation it belongs to (null until threaded). */
export type ThreadMessage = StoredMessage & { threadId: number | null };

export type ThreadSummary = {
  /** Null for a message `assign` has not seen yet: it stands alone. */
  threadId: number | null;
  /** The thread's newest message in this folder (by arrival, as the plain list sorts). */
  newest: ThreadMessage;
  /** Messages of the thread in this folder, and how many of them are unread. */
  count: number;
  unread: number;
  /** Messages of the thread in every folder of the account (a reply in Sent counts). */
  countAll: number;
};

// ------------------------------------------------------------------------ normalizing --

/**
 * Reply and forward prefixes in common languages, optionally counted ("Re[2]:", "Re(2):",
 * "Re^2:"), with an ASCII or full-width colon.
 */
const REPLY_PREFIX = /^(?:re|fwd?|aw|sv|wg|vs|antw|rif|tr|odp|pd)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:\uFF1A]\s*/i;
/** A mailing list's tag, e.g. "[dev-list]"; not a sign of a reply by itself. */
const LIST_TAG = /^\[[^\]]{0,100}\]\s*/;

/** The subject without its prefixes and list tags, case and spacing folded; `isReply` if a Re:/Fwd: prefix was there. */
export function subjectKey(subject: string): { key: string; isReply: boolean } {
  let rest = subject.normalize('NFKC').trim();
  let isReply = false;
  for (;;) {
    const reply = REPLY_PREFIX.exec(rest);
    if (reply) {
      isReply = true;
      rest = rest.slice(reply[0].length);
      continue;
    }
    const tag = LIST_TAG.exec(rest);
    if (tag) {
      rest = rest.slice(tag[0].length);
      continue;
    }
    break;
  }
  return { key: rest.replace(/\s+/g, ' ').trim().toLowerCase(), isReply };
}

const BRACKETED = /<([^<>]*)>/g;

/**
 * The Message-IDs in a header value, without <> and surrounding spaces, in order. A value with
 * no <...> counts as one id only if it is a single word: In-Reply-To sometimes holds prose
 * ("your message of Tuesday"), and its words must not link unrelated messages.
 */
export function messageIdsIn(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  if (value.includes('<')) {
    for (const match of value.matchAll(BRACKETED)) {
      const id = match[1]!.trim();
      if (id) ids.push(id);
    }
    return ids;
  }
  const bare = value.trim();
  return bare && !/\s/.test(bare) ? [bare] : [];
}

/** A message's own id, normalized (the first id in the header), or null if it has none usable. */
export function normalizeMessageId(value: string | null | undefined): string | null {
  return messageIdsIn(value)[0] ?? null;
}

/** A header with thousands of references is abuse, not a conversation: only the newest count. */
const MAX_REFERENCES = 100;

// ------------------------------------------------------------------------------ rows --

type PendingRow = {
  id: number;
  account_id: string;
  message_id: string | null;
  in_reply_to: string | null;
  references_ids: string;
  subject: string;
  sort_date: number;
};

type ThreadMessageRow = MessageRow & { thread_id: number | null };

type SummaryRow = ThreadMessageRow & { count: number; unread: number; count_all: number };

const THREAD_MESSAGE_COLUMNS = `${MESSAGE_COLUMNS}, m.thread_id`;

function toThreadMessage(row: ThreadMessageRow): ThreadMessage {
  return { ...toMessage(row), threadId: row.thread_id };
}

function parseReferences(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

// ------------------------------------------------------------------------------ index --

export class ThreadIndex {
  private readonly s: Record<
    | 'pending' | 'lookupId' | 'insertId' | 'claimId' | 'newThread' | 'setThread' | 'clearOrphan'
    | 'bySubject' | 'orphansBySubject' | 'orphanKey' | 'moveMessages' | 'moveIds' | 'dropThread'
    | 'threadOf' | 'inThread' | 'byUid' | 'unthreaded' | 'summariesFirst' | 'summariesAfter' | 'threadedByUid',
    Statement
  >;

  constructor(readonly db: Database) {
    const prepare = (sql: string) => db.prepare(sql);
    const notNewerInFolder = `(m.thread_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages n
        WHERE n.folder_id = m.folder_id AND n.thread_id = m.thread_id
          AND (n.internal_date, n.uid) > (m.internal_date, m.uid)))`;
    const summaryColumns = `${THREAD_MESSAGE_COLUMNS},
        CASE WHEN m.thread_id IS NULL THEN 1 ELSE (SELECT count(*) FROM messages c
          WHERE c.folder_id = m.folder_id AND c.thread_id = m.thread_id) END AS count,
        CASE WHEN m.thread_id IS NULL THEN 1 - m.seen ELSE (SELECT count(*) FROM messages c
          WHERE c.folder_id = m.folder_id AND c.thread_id = m.thread_id AND c.seen = 0) END AS unread,
        CASE WHEN m.thread_id IS NULL THEN 1 ELSE (SELECT count(*) FROM messages c
          WHERE c.thread_id = m.thread_id) END AS count_all`;
    this.s = {
      // Oldest first within a batch: a thread then grows in the order it was written.
      pending: prepare(`SELECT m.id, f.account_id, m.message_id, m.in_reply_to, m.references_ids, m.subject,
          coalesce(m.date, m.internal_date) AS sort_date
        FROM messages m JOIN folders f ON f.id = m.folder_id
        WHERE m.id IN (SELECT value FROM json_each(?)) AND m.thread_id IS NULL
        ORDER BY sort_date, m.id`),
      lookupId: prepare('SELECT thread_id, subject_key FROM thread_message_ids WHERE account_id = ? AND message_id = ?'),
      insertId: prepare(`INSERT INTO thread_message_ids (account_id, message_id, thread_id, subject_key)
        VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      claimId: prepare('UPDATE thread_message_ids SET subject_key = ? WHERE account_id = ? AND message_id = ? AND subject_key IS NULL'),
      newThread: prepare('INSERT INTO threads (account_id, orphan_key) VALUES (?, ?) RETURNING id').pluck(),
      setThread: prepare('UPDATE messages SET thread_id = ?, subject_key = ? WHERE id = ?'),
      clearOrphan: prepare('UPDATE threads SET orphan_key = NULL WHERE id = ? AND orphan_key IS NOT NULL'),
      // The nearest in time wins when several threads share the subject.
      bySubject: prepare(`SELECT m.thread_id FROM messages m JOIN folders f ON f.id = m.folder_id
        WHERE m.subject_key = @key AND coalesce(m.date, m.internal_date) BETWEEN @from AND @to
          AND m.thread_id IS NOT NULL AND f.account_id = @account
        ORDER BY abs(coalesce(m.date, m.internal_date) - @at), m.thread_id LIMIT 1`).pluck(),
      orphansBySubject: prepare(`SELECT t.id FROM threads t
        WHERE t.account_id = @account AND t.orphan_key = @key AND t.id <> @thread
          AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id
            AND coalesce(m.date, m.internal_date) BETWEEN @from AND @to)`).pluck(),
      orphanKey: prepare('SELECT orphan_key FROM threads WHERE id = ?').pluck(),
      moveMessages: prepare('UPDATE messages SET thread_id = ? WHERE thread_id = ?'),
      moveIds: prepare('UPDATE thread_message_ids SET thread_id = ? WHERE thread_id = ?'),
      dropThread: prepare('DELETE FROM threads WHERE id = ?'),
      threadOf: prepare('SELECT thread_id FROM messages WHERE id = ?').pluck(),
      inThread: prepare(`SELECT ${THREAD_MESSAGE_COLUMNS} FROM messages m WHERE m.thread_id = ?
        ORDER BY coalesce(m.date, m.internal_date), m.internal_date, m.id`),
      byUid: prepare('SELECT id FROM messages WHERE folder_id = ? AND uid IN (SELECT value FROM json_each(?))').pluck(),
      threadedByUid: prepare(`SELECT m.id, f.account_id, m.message_id, m.in_reply_to, m.references_ids, m.subject,
          coalesce(m.date, m.internal_date) AS sort_date, m.thread_id
        FROM messages m JOIN folders f ON f.id = m.folder_id
        WHERE m.folder_id = ? AND m.uid IN (SELECT value FROM json_each(?)) AND m.thread_id IS NOT NULL
        ORDER BY sort_date, m.id`),
      // By rowid from where the last call stopped: one pass over the table, no index needed.
      unthreaded: prepare('SELECT id, folder_id FROM messages WHERE id > ? AND thread_id IS NULL ORDER BY id LIMIT ?'),
      // Walks the folder newest first (messages_by_folder_newest) and keeps each thread's newest
      // message (one probe of messages_by_folder_thread), so a page costs about its own size.
      summariesFirst: prepare(`SELECT ${summaryColumns} FROM messages m
        WHERE m.folder_id = @folderId AND ${notNewerInFolder}
        ORDER BY m.internal_date DESC, m.uid DESC LIMIT @limit`),
      summariesAfter: prepare(`SELECT ${summaryColumns} FROM messages m
        WHERE m.folder_id = @folderId AND (m.internal_date, m.uid) < (@internalDate, @uid) AND ${notNewerInFolder}
        ORDER BY m.internal_date DESC, m.uid DESC LIMIT @limit`),
    };
  }

  /** Gives each of these messages (row ids) a thread; ones that already have one are left alone. */
  assign(messageRowIds: readonly number[]): void {
    if (messageRowIds.length === 0) return;
    this.db.transaction(() => {
      const rows = this.s.pending.all(JSON.stringify(messageRowIds)) as PendingRow[];
      for (const row of rows) this.assignOne(row);
    }).immediate();
  }

  /** `assign` by folder and UIDs, for a caller that has just upserted a batch by UID. */
  assignUids(folderId: number, uids: readonly number[]): void {
    if (uids.length === 0) return;
    this.assign(this.s.byUid.all(folderId, JSON.stringify(uids)) as number[]);
  }

  /**
   * Links messages that were given a thread before their References were known (fetched after
   * the history, see SyncBatch.references) to the conversations those ids lead to. Messages
   * without a thread yet are left to `assign`.
   */
  relinkUids(folderId: number, uids: readonly number[]): void {
    if (uids.length === 0) return;
    this.db.transaction(() => {
      const rows = this.s.threadedByUid.all(folderId, JSON.stringify(uids)) as (PendingRow & { thread_id: number })[];
      for (const row of rows) this.assignOne(row, row.thread_id);
    }).immediate();
  }

  private backfilledUpTo = 0;

  /**
   * Threads up to `limit` messages stored without a thread (e.g. before schema 3); returns how
   * many it found, 0 once there are none left. Call it again until then, between other work.
   * The folders of the messages it threaded go into `touched`, if given.
   */
  backfill(limit = 1000, touched?: Set<number>): number {
    const rows = this.s.unthreaded.all(this.backfilledUpTo, limit) as { id: number; folder_id: number }[];
    const ids = rows.map((r) => r.id);
    for (const row of rows) touched?.add(row.folder_id);
    this.assign(ids);
    this.backfilledUpTo = ids.at(-1) ?? this.backfilledUpTo;
    return ids.length;
  }

  threadOf(messageRowId: number): number | null {
    return (this.s.threadOf.get(messageRowId) as number | null | undefined) ?? null;
  }

  /** Every message of a thread, in every folder, oldest first (by Date, else arrival). */
  messagesInThread(threadId: number): ThreadMessage[] {
    return (this.s.inThread.all(threadId) as ThreadMessageRow[]).map(toThreadMessage);
  }

  /**
   * The threaded message list of a folder: each thread's newest message there, newest first,
   * with counts. Pass the `newest` of a page's last summary as `before` for the next page.
   */
  threadSummaries(folderId: number, { limit = 100, before }: { limit?: number; before?: ListCursor } = {}): ThreadSummary[] {
    const rows = (
      before
        ? this.s.summariesAfter.all({ folderId, limit, internalDate: before.internalDate, uid: before.uid })
        : this.s.summariesFirst.all({ folderId, limit })
    ) as SummaryRow[];
    return rows.map((row) => ({
      threadId: row.thread_id,
      newest: toThreadMessage(row),
      count: row.count,
      unread: row.unread,
      countAll: row.count_all,
    }));
  }

  /** `current`: the thread the message has already (relinkUids), which it must not leave alone. */
  private assignOne(row: PendingRow, current: number | null = null): void {
    const account = row.account_id;
    const { key, isReply } = subjectKey(row.subject);
    const own = normalizeMessageId(row.message_id);
    const refs = new Set<string>();
    for (const ref of parseReferences(row.references_ids).slice(-MAX_REFERENCES)) for (const id of messageIdsIn(ref)) refs.add(id);
    for (const id of messageIdsIn(row.in_reply_to)) refs.add(id);
    if (own !== null) refs.delete(own);

    // Threads reached through ids; which ids are not known yet (to be remembered).
    const linked = new Set<number>();
    const unknown: string[] = [];
    let claim = false;
    if (own !== null) {
      const hit = this.s.lookupId.get(account, own) as { thread_id: number; subject_key: string | null } | undefined;
      if (!hit) unknown.push(own);
      else if (hit.subject_key === null || hit.subject_key === key) {
        // Known only as a reference until now (the message claims it below), or a copy (Archive).
        linked.add(hit.thread_id);
        claim = hit.subject_key === null;
      }
      // else: the id is another message's (a broken mailer); linking by it would join strangers.
    }
    for (const id of refs) {
      const hit = this.s.lookupId.get(account, id) as { thread_id: number } | undefined;
      if (hit) linked.add(hit.thread_id);
      else unknown.push(id);
    }
    if (current !== null) linked.add(current);

    let thread: number;
    if (linked.size > 0) {
      const [first, ...others] = [...linked].sort((a, b) => a - b) as [number, ...number[]];
      thread = first;
      for (const other of others) this.merge(other, thread);
    } else {
      const found = isReply && key !== '' ? (this.s.bySubject.get(this.window(account, key, row.sort_date, 0)) as number | undefined) : undefined;
      // A parentless reply starts a thread that an original with its subject may pull in later.
      thread = found ?? (this.s.newThread.get(account, isReply && key !== '' ? key : null) as number);
    }
    // An original in the thread ends its wait for one.
    if (!isReply) this.s.clearOrphan.run(thread);

    for (const id of unknown) this.s.insertId.run(account, id, thread, id === own ? key : null);
    // An id known only as a reference until now becomes this message's.
    if (claim) this.s.claimId.run(key, account, own);
    this.s.setThread.run(thread, key === '' ? null : key, row.id);

    if (key !== '') {
      for (const orphan of this.s.orphansBySubject.all(this.window(account, key, row.sort_date, thread)) as number[]) {
        this.merge(orphan, thread);
      }
    }
  }

  private window(account: string, key: string, at: number, thread: number) {
    return { account, key, at, thread, from: at - SUBJECT_WINDOW_MS, to: at + SUBJECT_WINDOW_MS };
  }

  /** Moves every message and id of `from` into `into`; the result waits for an original only if both did. */
  private merge(from: number, into: number): void {
    if (from === into) return;
    if ((this.s.orphanKey.get(from) as string | null | undefined) == null) this.s.clearOrphan.run(into);
    this.s.moveMessages.run(into, from);
    this.s.moveIds.run(into, from);
    this.s.dropThread.run(from);
  }
}
