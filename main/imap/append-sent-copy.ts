import type { ImapFlow } from 'imapflow';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors.js';

// Where servers without SPECIAL-USE keep sent mail, most common first.
const SENT_NAMES = ['Sent', 'Sent Items', 'Sent Messages', 'INBOX.Sent', 'Sent Mail'];

/** Finds the account's Sent folder: the one marked \Sent, else one of the usual names. */
export async function findSentFolder(client: ImapFlow): Promise<string> {
  const folders = await client.list();
  const marked = folders.find((f) => f.specialUse === '\\Sent');
  if (marked) return marked.path;
  for (const name of SENT_NAMES) {
    const found = folders.find((f) => f.path.toLowerCase() === name.toLowerCase());
    if (found) return found.path;
  }
  throw new AppError('NOT_FOUND', { message: 'This account has no Sent folder to keep a copy in.' });
}

/** Files a copy of a sent message in Sent, already marked read. */
export async function appendSentCopy(client: ImapFlow, raw: () => Readable): Promise<void> {
  const folder = await findSentFolder(client);
  const chunks: Buffer[] = [];
  // APPEND needs the literal's length up front, so the copy is read once here.
  for await (const chunk of raw()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  await client.append(folder, Buffer.concat(chunks), ['\\Seen']);
}
