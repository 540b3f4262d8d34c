import type { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { lockMailbox, mustSucceed, uidSet } from './set-flags.js';

/** INBOX is case-insensitive (RFC 9051 5.1); every other name is compared as the server spells it. */
export function samePath(a: string, b: string): boolean {
  return a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
}

/**
 * Copies messages by UID into another folder (UID COPY). `uidMap` pairs each source UID with its
 * copy's UID where the server says so (UIDPLUS COPYUID), and is null where it does not; UIDs that
 * no longer existed are simply absent from it.
 */
export async function copyMessages(
  client: ImapFlow,
  from: string,
  uids: readonly number[],
  to: string,
): Promise<{ uidMap: Map<number, number> | null }> {
  const set = uidSet(uids);
  if (samePath(from, to)) throw new AppError('INVALID_ARGUMENT', { message: 'The messages are already in that folder.' });
  if (!set) return { uidMap: new Map() };
  // Read-only: COPY leaves the source as it is, and EXAMINE does not clear \Recent there.
  const lock = await lockMailbox(client, from, { readOnly: true });
  try {
    const result = await mustSucceed(client, `copy the messages to ${to}`, () => client.messageCopy(set, to, { uid: true }));
    return { uidMap: result.uidMap ?? null };
  } finally {
    lock.release();
  }
}
