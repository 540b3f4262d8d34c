import { ImapFlow } from 'imapflow';
import type { Account } from '../../shared/schemas.js';
import { log } from '../log.js';
import { imapOptions } from './connect.js';

const MAX_BACKOFF_MS = 60_000;

/**
 * Keeps one connection per account in IDLE on the Inbox, so new mail shows within a moment of
 * its delivery instead of at the next refresh. It is the account's second connection at most
 * (the other serves requests): providers limit how many one user may open. After a drop it
 * reconnects with a doubling delay, up to a minute.
 */
export class InboxWatcher {
  private client: ImapFlow | undefined;
  private stopped = false;
  private backoffMs = 1_000;
  private timer: NodeJS.Timeout | undefined;
  private known = -1;

  constructor(
    private readonly account: Account,
    private readonly password: string,
    private readonly onArrived: (count: number) => void,
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
      // IDLE now rather than after imapflow's idle timer: new mail should show within seconds.
      void client.idle().catch(() => {});
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
