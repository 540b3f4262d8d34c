import type { ImapFlow, ListResponse } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { findFolder, listedFolders, missingFolder, serverCode, serverReason } from './create-folder.js';
import { imapError } from './imap-errors.js';
import { assignRoles } from './list-folders.js';

const ROLE_NAMES = { inbox: 'Inbox', drafts: 'Drafts', sent: 'Sent', archive: 'Archive', junk: 'Junk', trash: 'Trash' } as const;

/**
 * Refuses to delete or rename INBOX or a folder with a role (Drafts, Sent, Archive, Junk, Trash,
 * by SPECIAL-USE or by name, the same rule the folder list uses): the app and other clients file
 * mail there, and a server with configured special folders recreates them empty at the next
 * login, so the person would lose the mail and keep the folder.
 */
export function refuseProtected(folders: readonly ListResponse[], folder: ListResponse, action: 'deleted' | 'renamed'): void {
  const role = assignRoles(folders.map((f) => ({ path: f.path, name: f.name, flags: f.flags }))).get(folder.path) ?? null;
  if (!role) return;
  const message =
    role === 'inbox'
      ? `The Inbox cannot be ${action}.`
      : `"${folder.path}" is this account's ${ROLE_NAMES[role]} folder, so it cannot be ${action}.`;
  throw new AppError('INVALID_ARGUMENT', { message, details: { path: folder.path, role, reason: 'protected' } });
}

/**
 * Deletes a folder and the messages in it. Refuses INBOX and folders with a role, and a folder
 * with folders inside: IMAP would delete its messages and keep it as a name-only parent
 * (RFC 9051 6.3.4), which is neither what "delete" suggests nor reversible. The subscription
 * goes too: RFC 9051 leaves subscriptions alone on DELETE, and Dovecot does keep it (LSUB still
 * lists the name), which would resurrect the folder in clients that show subscribed ones.
 */
export async function deleteFolder(client: ImapFlow, path: string): Promise<void> {
  const folders = await listedFolders(client);
  const folder = findFolder(folders, path);
  if (!folder) throw missingFolder(path);
  refuseProtected(folders, folder, 'deleted');
  const inside = folder.delimiter ? `${folder.path}${folder.delimiter}` : null;
  if (folder.flags.has('\\HasChildren') || (inside && folders.some((f) => f.path.startsWith(inside)))) {
    throw new AppError('INVALID_ARGUMENT', {
      message: `"${folder.path}" has folders inside it. Delete or move them first.`,
      details: { path: folder.path, reason: 'has-children' },
    });
  }
  try {
    await client.mailboxDelete(folder.path);
  } catch (error) {
    const code = serverCode(error);
    if (code === 'NONEXISTENT') throw missingFolder(folder.path);
    if (code === 'HASCHILDREN') {
      throw new AppError('INVALID_ARGUMENT', {
        message: `"${folder.path}" has folders inside it. Delete or move them first.`,
        serverReply: serverReason(error),
        details: { path: folder.path, reason: 'has-children' },
        cause: error,
      });
    }
    if (code === 'INUSE') {
      throw new AppError('SERVER_ERROR', { message: `"${folder.path}" is in use on the server right now. Try again in a moment.`, serverReply: serverReason(error), cause: error });
    }
    throw imapError(error, client.host, client.port);
  }
  // Best effort: the folder is gone either way; failing here would report a delete that happened
  // as failed, for a stale name in LSUB that unsubscribeFolder can still clean up.
  if (folder.subscribed) await client.mailboxUnsubscribe(folder.path).catch(() => false);
}
