import type { ImapFlow, ListResponse } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { samePath } from './copy-messages.js';
import { imapError } from './imap-errors.js';

/**
 * Helpers the folder commands share (create, rename, delete, subscribe) live here, with the
 * command that needs most of them.
 */

/** An imapflow command failure, as far as the folder commands read it. */
type CommandError = { serverResponseCode?: string; responseText?: string };

/** The server's reason without Dovecot's timing suffix (" (0.001 + 0.000 secs)."), for a message a person reads. */
export function serverReason(error: unknown): string | undefined {
  const text = (error as CommandError | null)?.responseText;
  return text ? text.replace(/\s*\(\d+\.\d+(?: \+ \d+\.\d+)* secs\)\.?$/, '').trim() || undefined : undefined;
}

/** The RFC 5530 response code of a failed command (ALREADYEXISTS, NONEXISTENT, CANNOT, ...), upper case. */
export function serverCode(error: unknown): string | undefined {
  return (error as CommandError | null)?.serverResponseCode?.toUpperCase();
}

/**
 * Every folder the server lists, without the \NonExistent entries that a LIST RETURN
 * (SUBSCRIBED) adds for subscriptions to deleted folders: those do not exist.
 */
export async function listedFolders(client: ImapFlow): Promise<ListResponse[]> {
  try {
    const folders = await client.list();
    return folders.filter((f) => !f.flags.has('\\NonExistent'));
  } catch (error) {
    throw imapError(error, client.host, client.port);
  }
}

export function findFolder(folders: readonly ListResponse[], path: string): ListResponse | undefined {
  return folders.find((f) => samePath(f.path, path));
}

export function missingFolder(path: string): AppError {
  return new AppError('NOT_FOUND', { message: `The folder "${path}" does not exist on the server.`, details: { path } });
}

/**
 * A new folder name as the person typed it, trimmed, or a clear refusal. The delimiter would
 * silently create a folder inside another one (or a parent that was not asked for); * and % are
 * LIST wildcards, so a folder named with them would match other folders whenever it is listed
 * by name; control characters (a pasted line break) are refused by most servers anyway.
 */
export function checkFolderName(name: string, delimiter: string | null): string {
  const trimmed = name.trim();
  if (!trimmed) throw new AppError('INVALID_ARGUMENT', { message: 'A folder needs a name.' });
  if (delimiter && trimmed.includes(delimiter)) {
    throw new AppError('INVALID_ARGUMENT', {
      message: `A folder name cannot contain "${delimiter}": this server uses it to separate folders inside folders.`,
      details: { name: trimmed, delimiter },
    });
  }
  if (/[\x00-\x1f\x7f]/.test(trimmed)) {
    throw new AppError('INVALID_ARGUMENT', { message: 'A folder name cannot contain control characters such as line breaks.', details: { name: trimmed } });
  }
  if (/[*%]/.test(trimmed)) {
    throw new AppError('INVALID_ARGUMENT', { message: 'A folder name cannot contain * or %: IMAP uses them as wildcards.', details: { name: trimmed } });
  }
  return trimmed;
}

export function alreadyExists(path: string, cause?: unknown): AppError {
  return new AppError('INVALID_ARGUMENT', {
    message: `A folder named "${path}" already exists. Choose another name.`,
    serverReply: serverReason(cause),
    details: { path, reason: 'exists' },
    cause,
  });
}

/** The server refused the name itself (RFC 5530 CANNOT: too long, a character it does not take). */
export function nameRefused(path: string, cause: unknown): AppError {
  const reason = serverReason(cause);
  return new AppError('INVALID_ARGUMENT', {
    message: `The server does not accept the folder name "${path}"${reason ? `: ${reason}` : '.'}`,
    serverReply: reason,
    details: { path, reason: 'name' },
    cause,
  });
}

/**
 * Creates a folder named `name` inside `parent` (a folder's path) or at the top level (null),
 * joined with the delimiter the server reports for the parent. Returns the new folder's path.
 * The server subscribes it too (imapflow's mailboxCreate does), so it shows in every client.
 */
export async function createFolder(client: ImapFlow, parent: string | null, name: string): Promise<{ path: string }> {
  const folders = await listedFolders(client);
  let path: string;
  if (parent === null) {
    const delimiter = client.namespace?.delimiter || folders[0]?.delimiter || null;
    path = checkFolderName(name, delimiter);
  } else {
    const container = findFolder(folders, parent);
    if (!container) throw missingFolder(parent);
    if (!container.delimiter || container.flags.has('\\Noinferiors')) {
      throw new AppError('INVALID_ARGUMENT', { message: `The folder "${container.path}" cannot hold other folders on this server.`, details: { path: container.path } });
    }
    path = `${container.path}${container.delimiter}${checkFolderName(name, container.delimiter)}`;
  }
  if (findFolder(folders, path)) throw alreadyExists(path);
  let created;
  try {
    created = await client.mailboxCreate(path);
  } catch (error) {
    if (serverCode(error) === 'ALREADYEXISTS') throw alreadyExists(path, error);
    if (serverCode(error) === 'CANNOT') throw nameRefused(path, error);
    throw imapError(error, client.host, client.port);
  }
  // imapflow answers an ALREADYEXISTS with created: false instead of an error: someone made it
  // between our LIST and the CREATE.
  if (!created.created) throw alreadyExists(created.path);
  return { path: created.path };
}
