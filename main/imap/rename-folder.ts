import type { ImapFlow } from 'imapflow';
import { alreadyExists, checkFolderName, findFolder, listedFolders, missingFolder, nameRefused, serverCode } from './create-folder.js';
import { refuseProtected } from './delete-folder.js';
import { imapError } from './imap-errors.js';

/**
 * Renames a folder in place (same parent, new last name); the folders inside it follow, as IMAP
 * RENAME does. Returns the new path. Refuses INBOX (whose RENAME moves its messages into a new
 * folder and leaves INBOX in place, RFC 9051 6.3.5) and folders with a role, an existing name
 * and a name with the delimiter.
 *
 * Subscriptions are moved by hand: RFC 9051 leaves them on the old names and Dovecot does so,
 * which would hide the renamed folders from clients that show subscribed folders only.
 */
export async function renameFolder(client: ImapFlow, path: string, newName: string): Promise<{ path: string }> {
  const folders = await listedFolders(client);
  const folder = findFolder(folders, path);
  if (!folder) throw missingFolder(path);
  refuseProtected(folders, folder, 'renamed');
  const delimiter = folder.delimiter || null;
  const name = checkFolderName(newName, delimiter);
  const cut = delimiter ? folder.path.lastIndexOf(delimiter) : -1;
  const newPath = cut >= 0 ? `${folder.path.slice(0, cut + 1)}${name}` : name;
  if (newPath === folder.path) return { path: newPath };
  if (findFolder(folders, newPath)) throw alreadyExists(newPath);

  const inside = delimiter ? `${folder.path}${delimiter}` : null;
  const subscribed = folders.filter((f) => f.subscribed && (f.path === folder.path || (inside !== null && f.path.startsWith(inside))));
  try {
    await client.mailboxRename(folder.path, newPath);
  } catch (error) {
    const code = serverCode(error);
    if (code === 'NONEXISTENT') throw missingFolder(folder.path);
    if (code === 'ALREADYEXISTS') throw alreadyExists(newPath, error);
    if (code === 'CANNOT') throw nameRefused(newPath, error);
    throw imapError(error, client.host, client.port);
  }
  // Best effort once the RENAME is done: failing the whole call here would tell the person the
  // rename did not happen when it did; a lost subscription is fixed with one click.
  for (const f of subscribed) {
    const moved = newPath + f.path.slice(folder.path.length);
    await client.mailboxUnsubscribe(f.path).catch(() => false);
    await client.mailboxSubscribe(moved).catch(() => false);
  }
  return { path: newPath };
}
