import type { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';

/** The folders the app keeps copies of one's own mail in: Sent copies and drafts. */
export type AppendRole = 'sent' | 'drafts';

const ROLES: Record<AppendRole, { specialUse: string; names: readonly string[]; missing: string }> = {
  sent: {
    specialUse: '\\Sent',
    // Where servers without SPECIAL-USE keep sent mail, most common first.
    names: ['Sent', 'Sent Items', 'Sent Messages', 'INBOX.Sent', 'Sent Mail'],
    missing: 'This account has no Sent folder to keep a copy in.',
  },
  drafts: {
    specialUse: '\\Drafts',
    // Where servers without SPECIAL-USE keep drafts, most common first.
    names: ['Drafts', 'INBOX.Drafts', 'Draft', 'Brouillons'],
    missing: 'This account has no Drafts folder to keep the draft in.',
  },
};

/** Finds the account's folder of that role: the one marked with its SPECIAL-USE, else one of the usual names. */
export async function findRoleFolder(client: ImapFlow, role: AppendRole): Promise<string> {
  const { specialUse, names, missing } = ROLES[role];
  const folders = await client.list();
  const marked = folders.find((f) => f.specialUse === specialUse);
  if (marked) return marked.path;
  for (const name of names) {
    const found = folders.find((f) => f.path.toLowerCase() === name.toLowerCase());
    if (found) return found.path;
  }
  throw new AppError('NOT_FOUND', { message: missing });
}

/**
 * Files a message in the folder of that role (APPEND with `flags`). Says the UID it got there
 * (UIDPLUS), or, from a server without UIDPLUS, the one a search by its Message-ID finds (when
 * given); null when neither says.
 */
export async function appendToRole(client: ImapFlow, role: AppendRole, raw: Buffer, flags: string[], messageId?: string): Promise<{ folder: string; uid: number | null }> {
  const folder = await findRoleFolder(client, role);
  const appended = await client.append(folder, raw, flags);
  if (appended && typeof appended.uid === 'number') return { folder, uid: appended.uid };
  if (messageId === undefined) return { folder, uid: null };
  const { uids } = await searchMessageId(client, folder, messageId);
  return { folder, uid: uids.length ? uids[uids.length - 1]! : null };
}

/**
 * The UIDs in the folder of that role of the messages whose Message-ID holds `marker` (every
 * saved copy of one composition: the Message-ID names it, main/drafts/drafts.ts), oldest first.
 */
export async function findInRole(client: ImapFlow, role: AppendRole, marker: string): Promise<{ folder: string; uids: number[] }> {
  return searchMessageId(client, await findRoleFolder(client, role), marker);
}

async function searchMessageId(client: ImapFlow, folder: string, marker: string): Promise<{ folder: string; uids: number[] }> {
  const lock = await client.getMailboxLock(folder);
  try {
    const found = await client.search({ header: { 'message-id': marker } }, { uid: true });
    return { folder, uids: (Array.isArray(found) ? found : []).sort((a, b) => a - b) };
  } finally {
    lock.release();
  }
}
