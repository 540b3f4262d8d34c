import type { ImapFlow, FetchMessageObject } from 'imapflow';
import type { MessageSummary } from '../../shared/schemas.js';

/** The newest `limit` messages of a folder, newest first, from their envelopes. */
export async function listMessages(client: ImapFlow, folder: string, limit: number): Promise<MessageSummary[]> {
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  try {
    const mailbox = client.mailbox;
    const exists = mailbox ? mailbox.exists : 0;
    if (exists === 0) return [];
    const first = Math.max(1, exists - limit + 1);
    // fetchAll, not a `for await` over fetch(): no command may run inside that iterator.
    const messages = await client.fetchAll(`${first}:*`, { uid: true, envelope: true, flags: true, size: true, internalDate: true });
    return messages.map(toSummary).sort((a, b) => b.uid - a.uid);
  } finally {
    lock.release();
  }
}

export function toSummary(message: FetchMessageObject): MessageSummary {
  const envelope = message.envelope;
  const sender = envelope?.from?.[0];
  const date = envelope?.date ?? message.internalDate;
  return {
    uid: message.uid,
    messageId: envelope?.messageId || undefined,
    from: sender ? { name: sender.name ?? '', address: sender.address ?? '' } : undefined,
    subject: envelope?.subject ?? '',
    date: toIso(date),
    unread: !(message.flags?.has('\\Seen') ?? false),
    size: message.size ?? 0,
  };
}

function toIso(date: Date | string | undefined): string {
  const value = date instanceof Date ? date : date ? new Date(date) : undefined;
  return value && !Number.isNaN(value.getTime()) ? value.toISOString() : new Date(0).toISOString();
}
