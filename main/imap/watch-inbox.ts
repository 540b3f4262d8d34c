import { ImapFlow } from 'imapflow';
import type { Account } from '../../shared/schemas.js';
import { log } from '../log.js';
import { imapOptions } from './connect.js';

const MAX_BACKOFF_MS = 60_000;

/**
 * Where the server has no IDLE, how often the Inbox is asked for news: a minute, so new mail
 * shows within about as long as a person waits before clicking Refresh, at the cost of one small
 * command a minute on a connection that is open anyway. (The other folders are resynced every
 * 5 minutes, see ImapSyncOptions.pollIntervalMs.)
 */
export const INBOX_POLL_MS = 60_000;

export type InboxWatcherOptions = {
  /** Where the server has no IDLE: how often to ask it for news instead (default INBOX_POLL_MS). */
  pollMs?: number;
};

/**
 * Keeps one connection per account on the Inbox, so new mail shows within a moment of its
 * delivery instead of at the next refresh: in IDLE where the server offers it, else polled
 * every `pollMs`. It is the account's second connection at most (the other serves requests):
 * providers limit how many one user may open. After a drop it reconnects with a doubling delay,
 * up to a minute.
 */
export class InboxWatcher {
  private client: ImapFlow | undefined;
  private stopped = false;
  private backoffMs = 1_000;
  private timer: NodeJS.Timeout | undefined;
  private known = -1;
  /** Whether the server announces new mail itself (IDLE); unknown until the first connection is in. */
  push: boolean | undefined;

  constructor(
    private readonly account: Account,
    private readonly password: string,
    private readonly onArrived: (count: number) => void,
    private readonly options: InboxWatcherOptions = {},
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new ImapFlow({ ...imapOptions(this.account, this.password), disableAutoIdle: false });
    this.client = client;
    client.on('error', () => {});
    client.on('exists', (event: { path: string; count: number; prevCount: number }) => {
      if (event.path !== 'INBOX' || event.count <= Math.max(event.prevCount, this.known)) return;
      this.known = event.count;
      this.onArrived(event.count);
    });
    // Another client's flag change or deletion: the Inbox needs a resync as well.
    client.on('flags', (event: { path: string }) => event.path === 'INBOX' && this.onArrived(this.known));
    client.on('expunge', (event: { path: string }) => event.path === 'INBOX' && this.onArrived(this.known));
    client.on('close', () => this.reconnectLater());
    try {
      await client.connect();
      const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
      this.known = mailbox.exists;
      this.backoffMs = 1_000;
      this.push = client.capabilities.has('IDLE');
      if (!this.push) {
        // No IDLE: imapflow's idle() then polls with NOOP (whose answer carries the new EXISTS)
        // every maxIdleTime, capped at its own 2 minutes; ours is shorter.
        client.maxIdleTime = this.options.pollMs ?? INBOX_POLL_MS;
        log.info('inbox watch polling: the server has no IDLE', { everyMs: client.maxIdleTime });
      }
      // Now rather than after imapflow's idle timer: new mail should show within seconds.
      void client.idle().catch(() => {});
      // What came after the last sync read the Inbox, or while this connection was down, is in
      // `exists` already and will never be announced: one sync now catches it up.
      this.onArrived(mailbox.exists);
    } catch {
      client.close();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client) void client.logout().catch(() => client.close());
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    log.info('inbox watch reconnecting', { delayMs: delay });
    this.timer = setTimeout(() => void this.start(), delay);
    this.timer.unref();
  }
}
