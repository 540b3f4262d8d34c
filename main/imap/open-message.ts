import type { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import type { MessageDetail } from '../../shared/schemas.js';
import { parseMessage } from '../mime/parse-message.js';
import { toSummary } from './list-messages.js';

/** Fetches one message by UID, marks it read (as opening does in any client) and parses it. */
export async function openMessage(client: ImapFlow, folder: string, uid: number): Promise<MessageDetail> {
  const lock = await client.getMailboxLock(folder);
  try {
    const message = await client.fetchOne(
      String(uid),
      { uid: true, envelope: true, flags: true, size: true, internalDate: true, source: true },
      { uid: true },
    );
    if (!message || !message.source) {
      throw new AppError('NOT_FOUND', { message: 'That message is no longer on the server.' });
    }
    // BODY[] (not BODY.PEEK[]) would set \Seen implicitly; imapflow peeks, so we set it ourselves.
    await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    const parsed = await parseMessage(message.source);
    return { ...toSummary(message), ...parsed, unread: false };
  } finally {
    lock.release();
  }
}
