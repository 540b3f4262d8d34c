import type { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import type { MessageSummary } from '../../shared/schemas.js';
import { HEADER_QUERY, toMessageInput, withReferences } from '../imap/message-headers.js';
import { searchServer, type ServerQuery } from '../imap/search-server.js';
import type { Folder, MessageStore } from '../store/message-store.js';
import type { MailSync } from './mail-sync.js';
import { dayStart, nextDayStart, tokenize } from '../store/search-query.js';

export type FoundMessage = MessageSummary & { folder: string };

/**
 * The search box's query as an IMAP SEARCH, for the part of a folder the store does not hold
 * yet (a first sync still streaming in, or history never fetched). IMAP has one TEXT criterion
 * and it matches a substring, so the free words go as one phrase; the operators map one to one,
 * except has:attachment, which IMAP cannot ask (it is checked on the fetched headers instead).
 */
export function toServerQuery(input: string): { query: ServerQuery; needsAttachment: boolean } {
  const query: ServerQuery = {};
  const words: string[] = [];
  let needsAttachment = false;
  for (const { operator, value } of tokenize(input)) {
    const op = operator?.toLowerCase();
    const v = value.toLowerCase();
    if (op === 'from' || op === 'to' || op === 'subject') query[op] = value;
    else if (op === 'is' && v === 'unread') query.unseen = true;
    else if (op === 'is' && v === 'read') query.unseen = false;
    else if (op === 'is' && v === 'flagged') query.flagged = true;
    else if (op === 'has' && v.startsWith('attachment')) needsAttachment = true;
    else if (op === 'before' && dayStart(value, false) !== null) query.before = new Date(dayStart(value, false)!);
    else if (op === 'after' && nextDayStart(value, false) !== null) query.since = new Date(nextDayStart(value, false)!);
    else if (!value.startsWith('-')) words.push(value);
  }
  if (words.length) query.text = words.join(' ');
  return { query, needsAttachment };
}

/**
 * Asks the server for matches in `path` below the store's complete range, fetches the headers
 * of the newest `limit` of them into the store (rows only: the folder's sync state is left as
 * it is, and its next sync upserts the same rows again) and returns them.
 */
export async function searchOnServer(client: ImapFlow, store: MessageStore, folderId: number, path: string, input: string, limit: number): Promise<number[]> {
  const { query, needsAttachment } = toServerQuery(input);
  const oldest = store.syncState(folderId).oldestUid;
  const uids = (await searchServer(client, path, query)).filter((uid) => oldest === null || uid < oldest);
  const newest = uids.slice(-limit);
  if (newest.length === 0) return [];
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const fetched = await client.fetchAll(newest.join(','), HEADER_QUERY, { uid: true });
    const rows = fetched.map(toMessageInput).filter((m) => !needsAttachment || m.hasAttachments);
    await withReferences(client, rows);
    store.upsertMessages(folderId, rows);
    return rows.map((m) => m.uid);
  } finally {
    lock.release();
  }
}

export type SearchInput = { accountId?: string; folder?: string; query: string; limit: number; askServer?: boolean };

/** How many incomplete folders one search asks the server about (each is a SELECT and a SEARCH). */
const SERVER_FOLDERS = 10;
/** Which incomplete folders are asked first: where what a person looks for usually is. */
const ROLE_ORDER: readonly (string | null)[] = ['inbox', 'sent', 'archive'];

/**
 * The search box: the local store first (instant, every folder). A folder's copy may be
 * incomplete (its first sync still coming in, or history never fetched): a named one's server is
 * asked too, and with `askServer` so are the account's incomplete folders; what the servers find
 * joins the store. Offline, the local answer stands and says the server was not asked.
 */
export async function searchMail(
  mail: Pick<MailSync, 'store' | 'capabilities' | 'searchServer' | 'catchUpIndex'>,
  toSummary: (message: ReturnType<MessageStore['search']>[number]) => MessageSummary,
  { accountId, folder, query, limit, askServer = false }: SearchInput,
): Promise<{ messages: FoundMessage[]; serverChecked: boolean; incomplete: boolean }> {
  const { store } = mail;
  const target = accountId && folder ? store.folderByPath(accountId, folder) : undefined;
  if (folder && !target) throw new AppError('NOT_FOUND', { message: 'That folder does not exist.' });
  const searchable = accountId !== undefined && mail.capabilities(accountId).serverSearch;
  const incomplete = !searchable ? [] : target ? [target].filter(isIncomplete) : store.folders(accountId).filter(isIncomplete);
  let serverChecked = false;
  if (accountId && incomplete.length && (target || askServer)) {
    serverChecked = true;
    for (const f of byRole(incomplete).slice(0, SERVER_FOLDERS)) {
      try {
        await mail.searchServer(accountId, f, query, limit);
      } catch (error) {
        serverChecked = false;
        if (error instanceof AppError && OFFLINE.has(error.code)) break;
        // A folder named fails the search; one of many (gone from the server since the folder
        // list was read, say) leaves the others to answer.
        if (target) throw error;
      }
    }
  }
  const folderOf = folderLookup(store);
  const found = await searchStore(mail, query, { accountId, folderId: target?.id, limit });
  return { messages: found.map((m) => ({ ...toSummary(m), folder: folderOf(m.folderId)?.path ?? '' })), serverChecked, incomplete: incomplete.length > 0 };
}

/** The store's answer, never without the search entries a first sync left for later (the writer catches up first). */
async function searchStore(mail: Pick<MailSync, 'store' | 'catchUpIndex'>, query: string, options: Parameters<MessageStore['search']>[1]) {
  if (mail.store.hasPendingIndex()) await mail.catchUpIndex();
  return mail.store.search(query, options);
}

/** A folder by id, each read from the store once per answer (a page of results shares a few folders). */
function folderLookup(store: MessageStore): (folderId: number) => Folder | undefined {
  const folders = new Map<number, Folder | undefined>();
  return (folderId) => {
    if (!folders.has(folderId)) folders.set(folderId, store.folder(folderId));
    return folders.get(folderId);
  };
}

/** A folder the store does not hold whole: its history is not all fetched (oldestUid 1 says it is). */
const isIncomplete = (f: Folder) => f.selectable && f.oldestUid !== 1;

function byRole(folders: Folder[]): Folder[] {
  const rank = (f: Folder) => (ROLE_ORDER.includes(f.role) ? ROLE_ORDER.indexOf(f.role) : ROLE_ORDER.length);
  return [...folders].sort((a, b) => rank(a) - rank(b));
}

export type FoundInAccount = FoundMessage & { accountId: string };

/**
 * The search box in All inboxes: every folder of these accounts (the accounts set up now) from
 * the local store, newest first across them, each message saying its account and folder. The
 * servers are not asked (searchMail asks them for one account's incomplete folders).
 */
export async function searchEveryAccount(
  mail: Pick<MailSync, 'store' | 'catchUpIndex'>,
  toSummary: (message: ReturnType<MessageStore['search']>[number]) => MessageSummary,
  accountIds: readonly string[],
  { query, limit }: { query: string; limit: number },
): Promise<{ messages: FoundInAccount[] }> {
  const folderOf = folderLookup(mail.store);
  const messages: FoundInAccount[] = [];
  for (const m of await searchStore(mail, query, { accountIds, limit })) {
    const folder = folderOf(m.folderId);
    if (folder) messages.push({ ...toSummary(m), accountId: folder.accountId, folder: folder.path });
  }
  return { messages };
}

const OFFLINE = new Set(['CONNECTION_LOST', 'CONNECTION_REFUSED', 'TIMEOUT', 'HOST_NOT_FOUND']);
