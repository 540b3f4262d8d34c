import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { MESSAGE_ID, messageIdOf } from '../mime/message-ids.js';
import { readMessageFile, snippetOf, type MessageSourceRef } from '../mime/parse-message-file.js';
import { headerEnd, parseMessageHeader } from '../mime/parse-message-header.js';
import { readDownloadedBodies } from './read-downloaded-bodies.js';
import type { Folder, FolderRole, ListedFolderInput, MessageInput, MessageStore } from '../store/message-store.js';
import { Pop3Uids, type Pop3UidRecord } from '../store/pop3-uids.js';
import { CommitQueue, DownloadBatch, type BatchLimits, type DownloadedMessage } from './download-batch.js';
import { MessageSink } from './message-sink.js';
import { Pop3Client, type Pop3ClientOptions, type Pop3Credentials, type Pop3Settings } from './pop3-client.js';
import { isUidlUnsupported, leaveOnServerImpossible, pop3Error } from './pop3-errors.js';

/*
 * The POP3 download loop (issue 5): brings a POP3 account's new messages into its local Inbox.
 *
 * The order of steps is what makes it exact:
 * 1. UIDL names every message on the server; a message is new when its UIDL is not had (message
 *    numbers last one session only and are never stored).
 * 2. RETR (pipelined where the server offers PIPELINING) brings it in: a message up to 256 KiB
 *    is gathered in memory, a larger one streamed to <bodiesDir>/<account>/<folder id>/<uid>.eml
 *    (message-sink.ts); its row is read from its header.
 * 3. Batches of such messages are made durable together (download-batch.ts): the large ones'
 *    files fsynced, then one transaction with synchronous=FULL stores their rows, the small
 *    ones' sources and the UIDL records (Pop3Uids). Only now are they had.
 * 4. Only then may DELE be sent (after the whole download); DELE is committed by the server at
 *    QUIT only, so a drop before QUIT deletes nothing, and the records already say "had": the
 *    next check skips the messages (and sends their DELE again if the policy still says so).
 *    "Deleted from server" is written only after QUIT's +OK.
 * 5. Their text (search index, snippets, attachments) is read afterwards, off the download's
 *    path (read-downloaded-bodies.ts).
 * A failure anywhere drops the connection without QUIT, so nothing this session marked is
 * deleted, and whatever was stored stays stored.
 */

export type Pop3Policy = {
  /** Leave messages on the server after downloading them (default true). */
  leaveOnServer?: boolean;
  /** With leaveOnServer: delete from the server messages downloaded at least this many days ago. */
  deleteAfterDays?: number;
  /** With leaveOnServer: delete from the server messages whose local copy was deleted. */
  deleteWhenDeletedLocally?: boolean;
};

export type Pop3Progress = { done: number; total: number };

export type CheckPop3Options = {
  store: MessageStore;
  accountId: string;
  settings: Pop3Settings;
  credentials: Pop3Credentials;
  /** Where kept message sources live: <bodiesDir>/<account>/<folder id>/<uid>.eml (as for IMAP). */
  bodiesDir: string;
  policy?: Pop3Policy;
  clientOptions?: Pop3ClientOptions;
  onProgress?: (progress: Pop3Progress) => void;
  /** After each message is stored (and had): its local folder and UID. */
  onStored?: (folderId: number, uid: number) => void;
  /**
   * Read the downloaded messages' text (search index, snippets) before the check ends (default
   * true). Rows are stored from headers alone while downloading; see read-downloaded-bodies.ts.
   */
  readBodies?: boolean;
  /** How many downloads are made durable together (see download-batch.ts); tests make it 1. */
  batch?: Partial<BatchLimits>;
  /** For tests: runs after a message is on disk and before it is stored (a throw is a crash there). */
  beforeStore?: (uidl: string) => void | Promise<void>;
  now?: () => number;
};

export type CheckPop3Summary = {
  /** Messages stored in this check. */
  downloaded: number;
  /** Messages the server confirmed deleted (at QUIT). */
  deleted: number;
  /** Messages on the server already had (not downloaded again). */
  skipped: number;
};

/** The local folders every POP3 account has (POP3 itself knows only one mailbox). */
export const POP3_LOCAL_FOLDERS: readonly { path: string; role: FolderRole }[] = [
  { path: 'INBOX', role: 'inbox' },
  { path: 'Sent', role: 'sent' },
  { path: 'Drafts', role: 'drafts' },
  { path: 'Trash', role: 'trash' },
];

const DAY_MS = 86_400_000;

/** Creates the account's local folders where missing (never touching others); returns its Inbox. */
export function ensurePop3Folders(store: MessageStore, accountId: string): Folder {
  const wanted: ListedFolderInput[] = POP3_LOCAL_FOLDERS.map(({ path, role }) => ({
    path,
    name: path === 'INBOX' ? 'Inbox' : path,
    role,
    delimiter: '/',
    selectable: true,
    subscribed: true,
    total: null,
    unread: null,
  }));
  let folders = store.ensureFolders(accountId, wanted);
  // A local folder is complete by definition: its counts are the store's, and search never
  // asks a server about it.
  const incomplete = folders.filter((f) => f.oldestUid !== 1);
  if (incomplete.length) {
    for (const f of incomplete) store.applySync(f.id, { state: { oldestUid: 1 } });
    folders = store.folders(accountId);
  }
  const inbox = folders.find((f) => f.path === 'INBOX');
  if (!inbox) throw new AppError('INTERNAL', { message: 'The local Inbox could not be created.' });
  return inbox;
}

/** One check at a time per account and store: a second call joins the running one. */
const running = new WeakMap<MessageStore, Map<string, Promise<CheckPop3Summary>>>();

/** Checks a POP3 account once: downloads what is new, deletes what the policy says. */
export function checkPop3(options: CheckPop3Options): Promise<CheckPop3Summary> {
  let ofStore = running.get(options.store);
  if (!ofStore) running.set(options.store, (ofStore = new Map()));
  const existing = ofStore.get(options.accountId);
  if (existing) return existing;
  const done = runCheck(options).finally(() => ofStore.delete(options.accountId));
  ofStore.set(options.accountId, done);
  return done;
}

async function runCheck(options: CheckPop3Options): Promise<CheckPop3Summary> {
  const { store, accountId, settings, policy = {} } = options;
  const leaveOnServer = policy.leaveOnServer ?? true;
  const now = options.now ?? Date.now;
  const inbox = ensurePop3Folders(store, accountId);
  const uids = new Pop3Uids(store);
  const folderDir = join(options.bodiesDir, accountId, String(inbox.id));
  await mkdir(folderDir, { recursive: true });

  const client = await Pop3Client.connect(settings, options.credentials, options.clientOptions);
  try {
    let listing: { number: number; uid: string }[] | undefined;
    try {
      listing = await client.uidl();
    } catch (error) {
      if (!isUidlUnsupported(error)) throw error;
      if (leaveOnServer) throw leaveOnServerImpossible(error);
    }
    const batch = new DownloadBatch(uids, { accountId, folderId: inbox.id, folderDir }, now, options.batch);
    const step: Step = { client, uids, options, inbox, folderDir, now, batch, leaveOnServer };
    let result: Outcome;
    try {
      result = listing ? await withUidl(step, listing, policy) : await withoutUidl(step);
    } catch (error) {
      // What was fetched whole is kept (made durable and had) before the failure goes up; no
      // DELE follows for it in this session.
      await step.commits?.settle();
      await batch.commit().then(
        (stored) => stored.forEach((d) => options.onStored?.(inbox.id, d.message.uid)),
        () => undefined,
      );
      throw error;
    }
    await client.quit();
    // Only now, after QUIT's +OK, are the DELEs done.
    if (listing) uids.markDeleted(accountId, result.deleted);
    else uids.forget(accountId, result.deleted);
    if (options.readBodies !== false) await readDownloadedBodies(store, options.bodiesDir, inbox.id);
    return { downloaded: result.downloaded, deleted: result.deleted.length, skipped: result.skipped };
  } catch (error) {
    // No QUIT: the server deletes nothing marked in this session.
    client.close();
    throw pop3Error(error, { host: settings.host, port: settings.port }, 'INTERNAL');
  }
}

type Step = {
  client: Pop3Client;
  uids: Pop3Uids;
  options: CheckPop3Options;
  inbox: Folder;
  folderDir: string;
  now: () => number;
  batch: DownloadBatch;
  leaveOnServer: boolean;
  /** The batches being committed (set by the loop that runs). */
  commits?: CommitQueue;
};

type Outcome = { downloaded: number; skipped: number; deleted: string[] };

async function withUidl(step: Step, listing: { number: number; uid: string }[], policy: Pop3Policy): Promise<Outcome> {
  const { client, uids, options, leaveOnServer } = step;
  const { accountId } = options;
  const had = uids.records(accountId);
  const fresh = listing.filter((e) => !had.has(e.uid));
  const outcome: Outcome = { downloaded: 0, skipped: listing.length - fresh.length, deleted: [] };
  const uidlOf = new Map(fresh.map((e) => [e.number, e.uid]));
  const stored = await fetchAll(step, fresh.map((e) => e.number), (n) => uidlOf.get(n)!, fresh.length);
  outcome.downloaded = stored.length;
  // Had, durably: only now may they go from the server.
  const due: { number: number; uidl: string }[] = leaveOnServer ? [] : stored.map((d) => ({ number: d.number, uidl: d.uidl }));
  // Messages had before this check (some perhaps marked in a session that dropped before QUIT).
  const gone = policy.deleteWhenDeletedLocally ? uids.locallyGone(accountId) : new Set<string>();
  const cutoff = policy.deleteAfterDays === undefined ? undefined : step.now() - policy.deleteAfterDays * DAY_MS;
  const isDue = (r: Pop3UidRecord) => !leaveOnServer || (cutoff !== undefined && r.downloadedAt <= cutoff) || gone.has(r.uidl);
  for (const entry of listing) {
    const record = had.get(entry.uid);
    // A record the server already confirmed deleted is not deleted again in a loop.
    if (record && !record.deletedFromServer && isDue(record)) due.push({ number: entry.number, uidl: entry.uid });
  }
  for (const { number, uidl } of due) {
    await client.dele(number);
    outcome.deleted.push(uidl);
  }
  return outcome;
}

/**
 * A server without UIDL, with leaveOnServer false: every message is downloaded and deleted.
 * With no lasting id, a message is known by the SHA-256 of its content, recorded as
 * "content sha256 <hex>" (a space never occurs in a UIDL, so it cannot meet a real one). That
 * covers the one window that could duplicate: a drop after DELE and before QUIT leaves the
 * messages on the server, and the next check downloads them again, finds their hash had, and only
 * deletes them. Once QUIT's +OK confirms the deletion the records are dropped, so a later message
 * with the very same bytes is a new one.
 */
async function withoutUidl(step: Step): Promise<Outcome> {
  const { client } = step;
  const listing = await client.list();
  const duplicates: { number: number; uidl: string }[] = [];
  const stored = await fetchAll(step, listing.map((e) => e.number), undefined, listing.length, duplicates);
  const outcome: Outcome = { downloaded: stored.length, skipped: duplicates.length, deleted: [] };
  for (const { number, uidl } of [...stored, ...duplicates]) {
    await client.dele(number);
    outcome.deleted.push(uidl);
  }
  return outcome;
}

/**
 * Downloads the messages `numbers` in one pipelined RETR run (see commands/retr-pipelined.ts):
 * each into memory or, if large, the file of its local UID (see message-sink.ts), its row read
 * from its header, and into the batch; batches are committed
 * while the next messages arrive (download-batch.ts). Returns the messages had, in order. With
 * no UIDL (`uidlOf` undefined) a message is known by its content hash, and one already had, or
 * already in this run, is not kept again but listed in `duplicates` (its file removed).
 */
async function fetchAll(
  step: Step,
  numbers: readonly number[],
  uidlOf: ((n: number) => string) | undefined,
  total: number,
  duplicates: { number: number; uidl: string }[] = [],
): Promise<DownloadedMessage[]> {
  const { client, uids, options, folderDir, batch } = step;
  const stored: DownloadedMessage[] = [];
  const commits = new CommitQueue(batch, (committed) => {
    for (const d of committed) options.onStored?.(step.inbox.id, d.message.uid);
    stored.push(...committed);
    options.onProgress?.({ done: stored.length, total });
  });
  step.commits = commits;
  options.onProgress?.({ done: 0, total });
  let current: MessageSink | undefined;
  try {
    await client.retrEach(numbers, (number) => {
      const uid = batch.takeUid();
      const file = join(folderDir, `${uid}.eml`);
      const sink = (current = new MessageSink(file));
      return {
        sink: (chunk) => sink.write(chunk),
        end: async () => {
          current = undefined;
          const kept = sink.finish();
          let uidl: string;
          if (uidlOf) {
            uidl = uidlOf(number);
          } else {
            if (kept.kind === 'file') await kept.written;
            uidl = `content sha256 ${kept.kind === 'bytes' ? sha256Of(kept.bytes) : await sha256(file)}`;
            if (uids.records(options.accountId).has(uidl) || batch.has(uidl)) {
              await rm(file, { force: true });
              duplicates.push({ number, uidl });
              return;
            }
          }
          await options.beforeStore?.(uidl);
          const source = kept.kind === 'bytes' ? kept.bytes : file;
          const message =
            headerEnd(kept.head) >= 0
              ? rowFromHeader(kept.head, uid, kept.size, step.now())
              : await (kept.kind === 'file' ? kept.written : Promise.resolve()).then(() => messageInput(source, uid, kept.size, step.now()));
          batch.add(
            kept.kind === 'bytes'
              ? { message, uidl, number, source: kept.bytes }
              : { message, uidl, number, bodyFile: relative(options.bodiesDir, file), written: kept.written },
          );
          if (batch.full) await commits.start();
        },
      };
    });
  } catch (error) {
    await current?.abort();
    throw error;
  }
  await commits.finish();
  return stored;
}

/** What a POP3 message's row is made of, from its header (and, where read, its body). */
type RowFields = Pick<MessageInput, 'subject' | 'from' | 'to' | 'cc' | 'date' | 'references' | 'hasAttachments' | 'bodyText' | 'snippet'> & {
  messageId: string | null;
  inReplyTo: string | null;
};

function pop3Row(fields: RowFields, uid: number, size: number, now: number): MessageInput {
  return {
    ...fields,
    uid,
    references: fields.references.slice(0, 100),
    // POP3 has no arrival time: the Date header stands in, but never one in the future (it
    // would sort first for ever); the download time where there is none.
    internalDate: fields.date === null ? now : Math.min(fields.date, now),
    size,
    flags: { seen: false, flagged: false, answered: false, draft: false, deleted: false, keywords: [] },
  };
}

/**
 * The row of a just downloaded message from its header alone: its text, snippet and exact
 * attachment flag follow once readDownloadedBodies reads its source (after the check).
 */
function rowFromHeader(head: Buffer, uid: number, size: number, now: number): MessageInput {
  const header = parseMessageHeader(head);
  const { probablyHasAttachments, messageId, inReplyTo, ...rest } = header;
  return pop3Row(
    { ...rest, messageId: messageId ?? null, inReplyTo: inReplyTo ?? null, hasAttachments: probablyHasAttachments, bodyText: null, snippet: null },
    uid,
    size,
    now,
  );
}

/**
 * The row of a message whose source is at hand (downloaded, or filed in a local folder): its
 * header fields, and its text for the reader and search.
 */
export async function messageInput(file: MessageSourceRef, uid: number, size: number, now: number): Promise<MessageInput> {
  const { parts, header } = await readMessageFile(file);
  return pop3Row(
    {
      messageId: messageIdOf(header.messageId),
      inReplyTo: messageIdOf(parts.inReplyTo),
      references: parts.references.flatMap((r) => r.match(MESSAGE_ID) ?? []),
      subject: header.subject,
      from: header.from,
      to: parts.to,
      cc: parts.cc,
      date: header.date,
      hasAttachments: parts.attachments.length > 0,
      bodyText: parts.text,
      snippet: snippetOf(parts.text),
    },
    uid,
    size,
    now,
  );
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
