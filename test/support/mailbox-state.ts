import type { ImapFlow } from 'imapflow';
import { randomUUID } from 'node:crypto';
import { toFlags } from '../../main/imap/message-headers.js';
import type { MessageStore } from '../../main/store/message-store.js';

/** A mailbox as uid → sorted flag words: what "the store equals the server" compares. */
export type MailboxState = Record<number, string>;

const flagWords = (f: { seen: boolean; flagged: boolean; answered: boolean; draft: boolean; deleted: boolean; keywords: string[] }) =>
  [f.seen && 'seen', f.flagged && 'flagged', f.answered && 'answered', f.draft && 'draft', f.deleted && 'deleted', ...f.keywords]
    .filter(Boolean)
    .sort()
    .join(' ');

export async function serverState(client: ImapFlow, path: string): Promise<MailboxState> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    // A mailbox this connection already had open learns of other sessions' expunges only at a
    // command that may carry them (a FETCH may not, RFC 3501 7.4.1): NOOP first.
    await client.noop();
    if (!client.mailbox || client.mailbox.exists === 0) return {};
    const all = await client.fetchAll('1:*', { uid: true, flags: true });
    return Object.fromEntries(all.map((m) => [m.uid, flagWords(toFlags(m.flags))]));
  } finally {
    lock.release();
  }
}

export function storeState(store: MessageStore, folderId: number): MailboxState {
  const rows = store.db.prepare('SELECT uid FROM messages WHERE folder_id = ?').pluck().all(folderId) as number[];
  return Object.fromEntries(rows.map((uid) => [uid, flagWords(store.message(folderId, uid)!.flags)]));
}

/** A small but real message, dated `minutesAgo` before now, so arrival order is known. */
export function rawMessage(n: number, { subject = `Message ${n}`, minutesAgo = 0, extraHeaders = '' } = {}): string {
  const date = new Date(Date.now() - minutesAgo * 60_000).toUTCString();
  return (
    `From: Sender ${n} <sender${n}@example.test>\r\nTo: carol@example.test\r\nSubject: ${subject}\r\n` +
    `Date: ${date}\r\nMessage-ID: <${n}.${randomUUID()}@example.test>\r\n${extraHeaders}` +
    `Content-Type: text/plain; charset=utf-8\r\n\r\nBody of message ${n}.\r\n`
  );
}

/** APPENDs `count` messages (oldest first) to a new mailbox; returns its path. */
export async function filledMailbox(client: ImapFlow, count: number, prefix = 'Sync'): Promise<string> {
  const path = `${prefix}-${randomUUID().slice(0, 8)}`;
  await client.mailboxCreate(path);
  for (let n = 1; n <= count; n++) {
    await client.append(path, rawMessage(n), n % 3 === 0 ? ['\\Seen'] : [], new Date(Date.now() - (count - n) * 60_000));
  }
  return path;
}
