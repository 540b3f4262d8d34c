import { log } from '../log.js';

/**
 * The unread count on the dock (macOS), taskbar (Windows) or launcher (Linux Unity): the unread
 * messages of every account's Inbox. Plain Node: main.ts gives the store and Electron's setter.
 */

/** The parts of the message store read here (a MessageStore has them). */
export type UnreadSource = {
  folderByPath(accountId: string, path: string): { id: number; unread: number | null; oldestUid: number | null } | undefined;
  counts(folderId: number): { total: number; unread: number };
};

/**
 * The Inbox's unread count, the way the folder list shows it: counted from the store once the
 * whole folder is there (it then follows local changes at once), the server's figure before.
 */
export function inboxUnread(store: UnreadSource, accountId: string): number {
  const inbox = store.folderByPath(accountId, 'INBOX');
  if (!inbox) return 0;
  const unread = inbox.oldestUid === 1 ? store.counts(inbox.id).unread : (inbox.unread ?? 0);
  return Number.isInteger(unread) && unread > 0 ? unread : 0;
}

export function totalUnread(store: UnreadSource, accountIds: readonly string[]): number {
  return accountIds.reduce((sum, id) => sum + inboxUnread(store, id), 0);
}

/** The events after which the count may have changed. */
export const BADGE_EVENTS: ReadonlySet<string> = new Set(['mail.arrived', 'messages.changed', 'folders.changed', 'accounts.changed']);

/**
 * Recounts a short while after the last event (a sync emits many) and sets the badge only when
 * the number changed. `count` and `setBadge` may throw (a closed store, no badge support); that
 * is logged, not thrown into the event bus.
 */
export class UnreadBadge {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown: number | undefined;

  constructor(
    private readonly count: () => number,
    private readonly setBadge: (count: number) => void,
    private readonly delayMs = 300,
  ) {}

  /** Call on every event; recounts only for the ones that can change the count. */
  onEvent(event: string): void {
    if (!BADGE_EVENTS.has(event)) return;
    this.schedule();
  }

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), this.delayMs);
    this.timer.unref?.();
  }

  update(): void {
    this.timer = undefined;
    try {
      const count = this.count();
      if (count === this.shown) return;
      this.setBadge(count);
      this.shown = count;
    } catch (error) {
      log.warn('unread badge not updated', { type: (error as Error)?.name });
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
