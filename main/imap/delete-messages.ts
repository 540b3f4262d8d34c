import type { ImapFlow } from 'imapflow';
import { samePath } from './copy-messages.js';
import { expungeOnly, moveMessages } from './move-messages.js';
import { lockMailbox, uidSet } from './set-flags.js';

export type DeleteResult = {
  /** True when the messages went to Trash (and can be got back); false when they were deleted for good. */
  movedToTrash: boolean;
  /** Source UID to UID in Trash, where the server reports it; null when not known or not moved. */
  uidMap: Map<number, number> | null;
  /** UIDs still in the folder, marked \Deleted, because the server could not expunge only them (see expungeOnly). */
  leftInSource: number[];
};

/**
 * Deletes messages the way the person expects from a Delete key: in any folder but Trash they
 * move to Trash; inside Trash, or on an account without one, they are marked \Deleted and
 * expunged ("delete for good"), only these UIDs. A Trash folder that is named but missing is
 * an error (NOT_FOUND from the move), never a reason to delete for good instead.
 */
export async function deleteMessages(
  client: ImapFlow,
  folder: string,
  uids: readonly number[],
  options: { trashPath: string | null },
): Promise<DeleteResult> {
  const { trashPath } = options;
  if (trashPath !== null && !samePath(folder, trashPath)) {
    const moved = await moveMessages(client, folder, uids, trashPath);
    return { movedToTrash: true, ...moved };
  }
  if (!uidSet(uids)) return { movedToTrash: false, uidMap: null, leftInSource: [] };
  const lock = await lockMailbox(client, folder);
  try {
    const { leftInSource } = await expungeOnly(client, uids);
    return { movedToTrash: false, uidMap: null, leftInSource };
  } finally {
    lock.release();
  }
}
