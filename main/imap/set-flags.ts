import type { ImapFlow, MailboxLockObject } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { imapError } from './imap-errors.js';

/**
 * Helpers the message actions share (set-flags, copy, move, delete). They live here because
 * STORE is the command the others build on (move and delete mark \Deleted).
 */

const MAX_UID = 0xffffffff;

/**
 * The UIDs as a compact uid-set ("3:7,9"): a request for a few thousand selected messages stays
 * one short command line instead of thousands of comma-separated numbers. Refuses anything that
 * is not a UID, because a stray 0 or "*" would widen the set to messages the person never chose.
 */
export function uidSet(uids: readonly number[]): string {
  for (const uid of uids) {
    if (!Number.isInteger(uid) || uid < 1 || uid > MAX_UID) {
      throw new AppError('INVALID_ARGUMENT', { message: `${String(uid)} is not a message UID.` });
    }
  }
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const start = sorted[i]!;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i]!;
    i++;
    parts.push(start === end ? String(start) : `${start}:${end}`);
  }
  return parts.join(',');
}

/** The tagged NO/BAD a command ended with, as imapflow's 'response' event tells it. */
type TaggedFailure = { response: string; code?: string };

/**
 * Runs an imapflow message command that reports failure as `false` instead of throwing (STORE,
 * COPY, MOVE, EXPUNGE, SEARCH all do: imapflow logs the server's reply and returns false). The
 * tagged NO/BAD is caught from the 'response' event so that the error says why, and a refused
 * COPY/MOVE to a folder that does not exist (TRYCREATE) becomes NOT_FOUND rather than a vague
 * server error.
 */
export async function mustSucceed<T>(client: ImapFlow, what: string, run: () => Promise<T | false | undefined>): Promise<T> {
  let failure: TaggedFailure | undefined;
  const onResponse = (event: TaggedFailure) => {
    if (event.response === 'NO' || event.response === 'BAD') failure = event;
  };
  client.on('response', onResponse);
  let result: T | false | undefined;
  try {
    result = await run();
  } catch (error) {
    throw imapError(error, client.host, client.port);
  } finally {
    client.off('response', onResponse);
  }
  if (result !== false && result !== undefined) return result;
  if (!client.usable) throw new AppError('CONNECTION_LOST', { details: { host: client.host, port: String(client.port) } });
  const code = failure?.code?.toUpperCase();
  const details: Record<string, string> = { host: client.host, port: String(client.port) };
  if (code) details.serverCode = code;
  if (code === 'TRYCREATE' || code === 'NONEXISTENT') {
    throw new AppError('NOT_FOUND', { message: `Could not ${what}: the folder does not exist on the server.`, details });
  }
  if (code === 'OVERQUOTA') {
    throw new AppError('SERVER_ERROR', { message: `Could not ${what}: the mailbox is full (over quota).`, details });
  }
  throw new AppError('SERVER_ERROR', { message: `The server refused to ${what}${code ? ` (${code})` : ''}.`, details });
}

/**
 * Selects `path` under imapflow's mailbox lock, so no other job on this connection can switch
 * folders between our commands; the caller releases it in a finally. A folder that does not
 * exist comes out as NOT_FOUND (imapError reads imapflow's mailboxMissing).
 */
export async function lockMailbox(client: ImapFlow, path: string, options: { readOnly?: boolean } = {}): Promise<MailboxLockObject> {
  try {
    return await client.getMailboxLock(path, options);
  } catch (error) {
    throw imapError(error, client.host, client.port);
  }
}

/** Whether the session may use an extension: advertised, or folded into an enabled IMAP4rev2 (RFC 9051 appendix E), as imapflow decides. */
export function hasExtension(client: ImapFlow, name: 'MOVE' | 'UIDPLUS'): boolean {
  if (client.capabilities.has(name)) return true;
  return client.enabled.has('IMAP4REV2') || (client.capabilities.has('IMAP4rev2') && !client.capabilities.has('IMAP4rev1'));
}

const SYSTEM_FLAGS = new Map(['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'].map((f) => [f.toLowerCase(), f]));
// RFC 9051 atom-specials: a keyword is an atom, so none of these (nor controls, nor non-ASCII).
const KEYWORD = /^[\x21-\x7e]+$/;
const ATOM_SPECIALS = /[(){ %*"\\\]]/;

/**
 * A flag as the server takes it: a system flag in its canonical spelling, or a keyword. imapflow
 * would silently drop a flag it cannot send and report the whole STORE as failed (or, with other
 * flags beside it, as done), so a bad flag is refused here, by name.
 */
function checkFlag(flag: string): string {
  const system = SYSTEM_FLAGS.get(flag.toLowerCase());
  if (system) return system;
  if (flag.startsWith('\\')) {
    throw new AppError('INVALID_ARGUMENT', { message: `${flag} is not a flag that can be set (only \\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft and keywords).` });
  }
  if (!KEYWORD.test(flag) || ATOM_SPECIALS.test(flag)) {
    throw new AppError('INVALID_ARGUMENT', { message: `"${flag}" is not a valid IMAP keyword (no spaces, brackets, quotes, % or *).` });
  }
  return flag;
}

/**
 * Adds and removes flags on messages by UID (UID STORE +FLAGS / -FLAGS). Returns the folder's
 * HIGHESTMODSEQ as known after the change (CONDSTORE), or null where the server keeps none.
 *
 * The value is the highest mod-sequence this session has seen: the one SELECT reported, or the
 * one the server gave the changed messages, whichever is higher. It is a lower bound of the
 * server's current HIGHESTMODSEQ, and equal to it unless another session wrote in the meantime,
 * so a sync cursor may not jump to it without a FETCH CHANGEDSINCE from its previous value.
 */
export async function setFlags(
  client: ImapFlow,
  folder: string,
  uids: readonly number[],
  change: { add?: readonly string[]; remove?: readonly string[] },
): Promise<bigint | null> {
  const set = uidSet(uids);
  const add = [...new Set((change.add ?? []).map(checkFlag))];
  const remove = [...new Set((change.remove ?? []).map(checkFlag))];
  const both = add.find((f) => remove.includes(f));
  if (both) throw new AppError('INVALID_ARGUMENT', { message: `${both} cannot be added and removed at once.` });
  if (!set || (add.length === 0 && remove.length === 0)) return null;

  const lock = await lockMailbox(client, folder);
  let highest: bigint | null = null;
  // The selected mailbox's own spelling of the path ("INBOX" for "inbox"), as events carry it.
  const selected = client.mailbox ? client.mailbox.path : folder;
  const onFlags = (event: { path: string; modseq?: bigint }) => {
    if (event.path === selected && event.modseq !== undefined && (highest === null || event.modseq > highest)) highest = event.modseq;
  };
  try {
    const mailbox = client.mailbox;
    const permanent = mailbox ? mailbox.permanentFlags : undefined;
    // A folder that does not keep a keyword would take the STORE and forget the flag at
    // logout (RFC 9051 PERMANENTFLAGS): refuse rather than pretend.
    const kept = (flag: string) => !permanent || permanent.size === 0 || permanent.has('\\*') || permanent.has(flag);
    const lost = add.find((f) => !kept(f));
    if (lost) throw new AppError('INVALID_ARGUMENT', { message: `This folder does not keep the flag ${lost}.`, details: { folder, flag: lost } });

    const condstore = client.enabled.has('CONDSTORE') && !!mailbox && !mailbox.noModseq;
    // With CONDSTORE on, the untagged FETCH (FLAGS ... MODSEQ) the server answers a non-silent
    // STORE with is where the new mod-sequence comes from: imapflow reports it as a 'flags'
    // event, and ignores a .SILENT STORE's flagless FETCH (MODSEQ) entirely. Without CONDSTORE
    // there is nothing to learn, so the server is spared the echo.
    const options = { uid: true, silent: !condstore };
    if (condstore) {
      highest = mailbox.highestModseq ?? null;
      client.on('flags', onFlags);
    }
    if (add.length) await mustSucceed(client, 'change the flags', () => client.messageFlagsAdd(set, add, options));
    if (remove.length) await mustSucceed(client, 'change the flags', () => client.messageFlagsRemove(set, remove, options));
    return highest;
  } finally {
    client.off('flags', onFlags);
    lock.release();
  }
}
