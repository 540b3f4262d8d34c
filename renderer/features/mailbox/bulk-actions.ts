import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { ListedMessage } from './MessageList.js';
import type { SelectionAction } from './SelectionBar.js';

/** The contract takes at most this many UIDs a request. */
const MAX_UIDS = 10_000;

/**
 * Does an action to several messages, a request per folder (search results and unfolded
 * conversations may span folders). Main shows each change at once and says messages.changed.
 * Answers the first error, if any.
 */
export async function actOnMessages(
  client: ContractClient,
  accountId: string,
  folder: string,
  messages: readonly ListedMessage[],
  action: SelectionAction,
): Promise<AppErrorDto | undefined> {
  const byFolder = new Map<string, number[]>();
  for (const m of messages) {
    const path = m.folder ?? folder;
    byFolder.set(path, [...(byFolder.get(path) ?? []), m.uid]);
  }
  for (const [path, all] of byFolder) {
    for (let i = 0; i < all.length; i += MAX_UIDS) {
      const uids = all.slice(i, i + MAX_UIDS);
      const target = { accountId, folder: path, uids };
      const reply =
        action === 'delete'
          ? await client.invoke('messages.delete', target)
          : await client.invoke('messages.setFlags', { ...target, ...FLAG_CHANGES[action] });
      if (!reply.ok) return reply.error;
    }
  }
  return undefined;
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
