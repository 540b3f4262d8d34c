import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { ListedMessage } from './MessageList.js';
import type { SelectionAction } from './SelectionBar.js';

/** The contract takes at most this many UIDs a request. */
const MAX_UIDS = 10_000;

/** A request main queued: with its account, what messages.undo takes to undo it. */
export type QueuedAction = { accountId: string; actionId: number };

/**
 * Does an action to several messages, a request per account and folder (search results,
 * unfolded conversations and All inboxes may span folders and accounts; a row without an account
 * is in `accountId`'s). Main shows each change at once and says messages.changed. Answers the
 * first error, if any, and the requests queued (for Undo).
 */
export async function actOnMessages(
  client: ContractClient,
  accountId: string,
  folder: string,
  messages: readonly ListedMessage[],
  action: SelectionAction,
): Promise<{ error?: AppErrorDto; queued: QueuedAction[] }> {
  const groups = new Map<string, { accountId: string; folder: string; uids: number[] }>();
  for (const m of messages) {
    const target = { accountId: m.accountId ?? accountId, folder: m.folder ?? folder };
    const key = `${target.accountId}\u0000${target.folder}`;
    if (!groups.has(key)) groups.set(key, { ...target, uids: [] });
    groups.get(key)!.uids.push(m.uid);
  }
  const queued: QueuedAction[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.uids.length; i += MAX_UIDS) {
      const target = { accountId: group.accountId, folder: group.folder, uids: group.uids.slice(i, i + MAX_UIDS) };
      const reply =
        action === 'delete'
          ? await client.invoke('messages.delete', target)
          : await client.invoke('messages.setFlags', { ...target, ...FLAG_CHANGES[action] });
      if (!reply.ok) return { error: reply.error, queued };
      queued.push({ accountId: group.accountId, actionId: reply.value.actionId });
    }
  }
  return { queued };
}

type Flag = 'seen' | 'flagged';
const FLAG_CHANGES: Record<Exclude<SelectionAction, 'delete'>, { add?: Flag[]; remove?: Flag[] }> = {
  read: { add: ['seen'] },
  unread: { remove: ['seen'] },
  flag: { add: ['flagged'] },
  unflag: { remove: ['flagged'] },
};

/** u on a selection: all unread → read; otherwise unread. s: all flagged → unflag; otherwise flag. */
export function toggleFor(messages: readonly ListedMessage[], what: 'unread' | 'flag'): SelectionAction {
  if (what === 'unread') return messages.every((m) => m.unread) ? 'read' : 'unread';
  return messages.every((m) => m.flagged) ? 'unflag' : 'flag';
}
