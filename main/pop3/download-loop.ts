import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { MESSAGE_ID, messageIdOf } from '../mime/message-ids.js';
import { readMessageFile, snippetOf } from '../mime/parse-message-file.js';
import type { Folder, FolderRole, ListedFolderInput, MessageInput, MessageStore } from '../store/message-store.js';
import { Pop3Uids, type Pop3UidRecord } from '../store/pop3-uids.js';
import { Pop3Client, type Pop3ClientOptions, type Pop3Credentials, type Pop3Settings } from './pop3-client.js';
import { isUidlUnsupported, pop3Error } from './pop3-errors.js';

/*
 * The POP3 download loop (issue 5): brings a POP3 account's new messages into its local Inbox.
 *
 * The order of steps is what makes it exact:
 * 1. UIDL names every message on the server; a message is new when its UIDL is not had (message
 *    numbers last one session only and are never stored).
 * 2. RETR streams it to <bodiesDir>/<account>/<folder id>/<uid>.eml (via .partial, fsynced).
 * 3. One transaction with synchronous=FULL stores its row, its body file and its UIDL record
 *    (Pop3Uids.storeDownloaded). Only now is it had.
 * 4. Only then may DELE be sent; DELE is committed by the server at QUIT only, so a drop before
 *    QUIT deletes nothing, and the records already say "had": the next check skips the messages
 *    (and sends their DELE again if the policy still says so). "Deleted from server" is written
 *    only after QUIT's +OK.
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
  const folders = store.ensureFolders(accountId, wanted);
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
      if (leaveOnServer) {
        throw new AppError('SERVER_ERROR', {
          message:
            'This POP3 server does not support UIDL, so the app cannot tell which messages it already downloaded: ' +
            'messages cannot be left on the server. Turn off "Leave messages on server" to download and delete them.',
          serverReply: error.serverReply,
          details: { ...error.details, pop3: 'uidl-unsupported' },
          cause: error,
        });
      }
    }
    const step = { client, uids, options, inbox, folderDir, now };
    const result = listing ? await withUidl(step, listing, leaveOnServer, policy) : await withoutUidl(step);
    await client.quit();
    // Only now, after QUIT's +OK, are the DELEs done.
    if (listing) uids.markDeleted(accountId, result.deleted);
    else uids.forget(accountId, result.deleted);
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
};

type Outcome = { downloaded: number; skipped: number; deleted: string[] };

async function withUidl(step: Step, listing: { number: number; uid: string }[], leaveOnServer: boolean, policy: Pop3Policy): Promise<Outcome> {
  const { client, uids, options } = step;
  const { accountId } = options;
  const had = uids.records(accountId);
  const fresh = listing.filter((e) => !had.has(e.uid));
  const outcome: Outcome = { downloaded: 0, skipped: listing.length - fresh.length, deleted: [] };
  options.onProgress?.({ done: 0, total: fresh.length });
  for (const entry of fresh) {
    await download(step, entry.number, entry.uid);
    outcome.downloaded++;
    if (!leaveOnServer) {
      await client.dele(entry.number);
      outcome.deleted.push(entry.uid);
    }
    options.onProgress?.({ done: outcome.downloaded, total: fresh.length });
  }
  // Messages had before this check (some perhaps marked in a session that dropped before QUIT).
  const gone = policy.deleteWhenDeletedLocally ? uids.locallyGone(accountId) : new Set<string>();
  const cutoff = policy.deleteAfterDays === undefined ? undefined : step.now() - policy.deleteAfterDays * DAY_MS;
  const due = (r: Pop3UidRecord) =>
    !leaveOnServer || (cutoff !== undefined && r.downloadedAt <= cutoff) || gone.has(r.uidl);
  for (const entry of listing) {
    const record = had.get(entry.uid);
    // A record the server already confirmed deleted is not deleted again in a loop.
    if (!record || record.deletedFromServer || !due(record)) continue;
    await client.dele(entry.number);
    outcome.deleted.push(entry.uid);
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
  const { client, options } = step;
  const listing = await client.list();
  const outcome: Outcome = { downloaded: 0, skipped: 0, deleted: [] };
  let done = 0;
  options.onProgress?.({ done, total: listing.length });
  for (const entry of listing) {
    const key = await download(step, entry.number, async (file) => `content sha256 ${await sha256(file)}`);
    if (key.stored) outcome.downloaded++;
    else outcome.skipped++;
    await client.dele(entry.number);
    outcome.deleted.push(key.uidl);
    options.onProgress?.({ done: ++done, total: listing.length });
  }
  return outcome;
}

/**
 * RETR into the file of the next local UID, then stores the message with its record. With a
 * function for the UIDL (content hash), a message already had is not stored again (its file is
 * removed). A crash between the two steps leaves only a file that the next download overwrites
 * (the UID was not given out).
 */
async function download(
  step: Step,
  number: number,
  uidlOf: string | ((file: string) => Promise<string>),
): Promise<{ uidl: string; stored: boolean }> {
  const { client, uids, options, inbox, folderDir } = step;
  const uid = uids.nextLocalUid(inbox.id);
  const file = join(folderDir, `${uid}.eml`);
  const size = await client.retrToFile(number, file);
  const uidl = typeof uidlOf === 'string' ? uidlOf : await uidlOf(file);
  if (typeof uidlOf !== 'string' && uids.records(options.accountId).has(uidl)) {
    await rm(file, { force: true });
    return { uidl, stored: false };
  }
  await options.beforeStore?.(uidl);
  const message = await messageInput(file, uid, size, step.now());
  uids.storeDownloaded(options.accountId, inbox.id, message, relative(options.bodiesDir, file), uidl, step.now());
  return { uidl, stored: true };
}

/** The row of a downloaded message: its header fields, and its text for the reader and search. */
async function messageInput(file: string, uid: number, size: number, now: number): Promise<MessageInput> {
  const { parts, header } = await readMessageFile(file);
  return {
    uid,
    messageId: messageIdOf(header.messageId),
    inReplyTo: messageIdOf(parts.inReplyTo),
    references: parts.references.flatMap((r) => r.match(MESSAGE_ID) ?? []).slice(0, 100),
    subject: header.subject,
    from: header.from,
    to: parts.to,
    cc: parts.cc,
    date: header.date,
    // POP3 has no arrival time: the Date header stands in, but never one in the future (it
    // would sort first for ever); the download time where there is none.
    internalDate: header.date === null ? now : Math.min(header.date, now),
    size,
    flags: { seen: false, flagged: false, answered: false, draft: false, deleted: false, keywords: [] },
    hasAttachments: parts.attachments.length > 0,
    bodyText: parts.text,
    snippet: snippetOf(parts.text),
  };
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
