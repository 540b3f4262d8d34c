import type { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { samePath } from './copy-messages.js';
import { hasExtension, lockMailbox, mustSucceed, uidSet } from './set-flags.js';

export type MoveResult = {
  /** Source UID to destination UID, where the server reports it (COPYUID); null where it does not. */
  uidMap: Map<number, number> | null;
  /**
   * UIDs that were copied to the destination but are still in the source, marked \Deleted: on a
   * server without UIDPLUS they could not be expunged without also expunging messages someone
   * else had marked \Deleted (see expungeOnly). Empty on every server with UIDPLUS or MOVE.
   */
  leftInSource: number[];
};

/**
 * Removes exactly these messages (all in the selected mailbox): marks them \Deleted and expunges.
 *
 * With UIDPLUS, UID EXPUNGE removes only them: imapflow's messageDelete with `uid: true` does
 * that. Without UIDPLUS there is only the plain EXPUNGE, which removes every message marked
 * \Deleted, also those another client (or the person, in a client that shows deleted messages
 * struck through) marked and still means to keep until it expunges. So a plain EXPUNGE is sent
 * only when a SEARCH DELETED shows that no message but ours is marked; otherwise ours stay
 * marked \Deleted and are returned, for the caller to hide, and the next expunge removes them.
 * Between that SEARCH and the EXPUNGE another session could still mark a message: one round
 * trip, on servers old enough to lack UIDPLUS, and only a message already marked for deletion.
 * Clearing the others' \Deleted around our EXPUNGE would close that window but open a worse one
 * (a crash in between would silently undo their delete), so it is not done.
 */
export async function expungeOnly(client: ImapFlow, uids: readonly number[]): Promise<{ leftInSource: number[] }> {
  const set = uidSet(uids);
  if (!set) return { leftInSource: [] };
  if (hasExtension(client, 'UIDPLUS')) {
    await mustSucceed(client, 'delete the messages', () => client.messageDelete(set, { uid: true }));
    return { leftInSource: [] };
  }
  const ours = new Set(uids);
  const marked = await mustSucceed(client, 'look for deleted messages', () => client.search({ deleted: true }, { uid: true }));
  if (marked.some((uid) => !ours.has(uid))) {
    await mustSucceed(client, 'mark the messages deleted', () => client.messageFlagsAdd(set, ['\\Deleted'], { uid: true, silent: true }));
    return { leftInSource: [...ours].sort((a, b) => a - b) };
  }
  // Without UIDPLUS imapflow's messageDelete marks the set and sends a plain EXPUNGE.
  await mustSucceed(client, 'delete the messages', () => client.messageDelete(set, { uid: true }));
  return { leftInSource: [] };
}

/**
 * Moves messages by UID to another folder: UID MOVE (RFC 6851) where the server has it. Without
 * MOVE but with UIDPLUS, imapflow's messageMove already does the right fallback (UID COPY, then
 * +FLAGS \Deleted and UID EXPUNGE of just those UIDs), so it is relied on. Without either,
 * imapflow's fallback would send a plain EXPUNGE that also removes other messages marked
 * \Deleted, so the fallback is done here: UID COPY, then expungeOnly.
 */
export async function moveMessages(client: ImapFlow, from: string, uids: readonly number[], to: string): Promise<MoveResult> {
  const set = uidSet(uids);
  if (samePath(from, to)) throw new AppError('INVALID_ARGUMENT', { message: 'The messages are already in that folder.' });
  if (!set) return { uidMap: new Map(), leftInSource: [] };
  const lock = await lockMailbox(client, from);
  try {
    const what = `move the messages to ${to}`;
    if (hasExtension(client, 'MOVE') || hasExtension(client, 'UIDPLUS')) {
      const result = await mustSucceed(client, what, () => client.messageMove(set, to, { uid: true }));
      return { uidMap: result.uidMap ?? null, leftInSource: [] };
    }
    // The copy must succeed before anything is marked: a failed COPY leaves the source untouched.
    const copied = await mustSucceed(client, what, () => client.messageCopy(set, to, { uid: true }));
    const { leftInSource } = await expungeOnly(client, uids);
    return { uidMap: copied.uidMap ?? null, leftInSource };
  } finally {
    lock.release();
  }
}
