import type { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';

// Where servers without SPECIAL-USE keep drafts, most common first.
const DRAFTS_NAMES = ['Drafts', 'INBOX.Drafts', 'Draft', 'Brouillons'];

/** Finds the account's Drafts folder: the one marked \Drafts, else one of the usual names. */
export async function findDraftsFolder(client: ImapFlow): Promise<string> {
  const folders = await client.list();
  const marked = folders.find((f) => f.specialUse === '\\Drafts');
  if (marked) return marked.path;
  for (const name of DRAFTS_NAMES) {
    const found = folders.find((f) => f.path.toLowerCase() === name.toLowerCase());
    if (found) return found.path;
  }
  throw new AppError('NOT_FOUND', { message: 'This account has no Drafts folder to keep the draft in.' });
}

/**
 * Keeps a draft in the Drafts folder (APPEND, marked \Draft and \Seen). The UID it got there
 * (UIDPLUS), or, from a server without UIDPLUS, the one a search by its Message-ID finds;
 * null when neither says.
 */
export async function appendDraft(client: ImapFlow, raw: Buffer, messageId: string): Promise<{ folder: string; uid: number | null }> {
  const folder = await findDraftsFolder(client);
  const appended = await client.append(folder, raw, ['\\Draft', '\\Seen']);
  if (appended && typeof appended.uid === 'number') return { folder, uid: appended.uid };
  const lock = await client.getMailboxLock(folder);
  try {
    const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    const uids = Array.isArray(found) ? found : [];
    return { folder, uid: uids.length ? Math.max(...uids) : null };
  } finally {
    lock.release();
  }
}

/**
 * The UIDs in the Drafts folder of the messages whose Message-ID holds `marker` (every saved
 * copy of one composition: the Message-ID names it, main/drafts/drafts.ts), oldest first.
 */
export async function findDraftCopies(client: ImapFlow, marker: string): Promise<{ folder: string; uids: number[] }> {
  const folder = await findDraftsFolder(client);
  const lock = await client.getMailboxLock(folder);
  try {
    const found = await client.search({ header: { 'message-id': marker } }, { uid: true });
    return { folder, uids: (Array.isArray(found) ? found : []).sort((a, b) => a - b) };
  } finally {
    lock.release();
  }
}
