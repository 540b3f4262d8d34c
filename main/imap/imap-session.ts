import type { ImapFlow } from 'imapflow';
import type { Account } from '../../shared/schemas.js';
import { connectImap, imapServerOf } from './connect.js';
import { imapError } from './imap-errors.js';

export type ImapSessionOptions = {
  /** Log out after this long without work (default 60 s); the next job logs in again. */
  idleLogoutMs?: number;
};

/**
 * An account's working connection: jobs (sync, body fetch, flag changes, moves) run on it one
 * at a time, in the order asked. With the IDLE watcher that makes two connections per account
 * at most, whatever the app is doing; providers rate-limit or refuse more.
 *
 * A job that fails because the connection dropped leaves the session without a connection;
 * the next job opens a new one. Every failure reaches the caller as a typed AppError.
 */
export class ImapSession {
  private client: ImapFlow | undefined;
  private jobs = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Connections opened so far (tests read it to see reuse). */
  connections = 0;

  constructor(
    readonly account: Account,
    private readonly password: string,
    private readonly options: ImapSessionOptions = {},
  ) {}

  /** Queues `job`; it runs once every earlier job has finished. */
  run<T>(job: (client: ImapFlow) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.execute(job));
    this.tail = result.catch(() => {});
    return result;
  }

  /** Logs out (after the running job) and refuses further jobs. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.tail;
    this.disconnect();
  }

  private async execute<T>(job: (client: ImapFlow) => Promise<T>): Promise<T> {
    if (this.closed) throw imapError(new Error('The account was closed.'), imapServerOf(this.account).host, imapServerOf(this.account).port);
    clearTimeout(this.idleTimer);
    this.jobs++;
    const client = await this.connection();
    try {
      return await job(client);
    } catch (error) {
      if (!client.usable) this.forget(client);
      throw imapError(error, imapServerOf(this.account).host, imapServerOf(this.account).port);
    } finally {
      this.scheduleLogout();
    }
  }

  private async connection(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    if (this.client) this.disconnect();
    this.connections++;
    const client = await connectImap(this.account, this.password);
    client.on('close', () => this.forget(client));
    this.client = client;
    return client;
  }

  private forget(client: ImapFlow): void {
    if (this.client === client) this.client = undefined;
    client.close();
  }

  private disconnect(): void {
    const client = this.client;
    this.client = undefined;
    if (client) void client.logout().catch(() => client.close());
  }

  private scheduleLogout(): void {
    clearTimeout(this.idleTimer);
    if (this.closed) return;
    const jobs = this.jobs;
    this.idleTimer = setTimeout(() => {
      // After whatever is queued, and only if no job ran in the meantime.
      void this.tail.then(() => {
        if (this.jobs === jobs) this.disconnect();
      });
    }, this.options.idleLogoutMs ?? 60_000);
    this.idleTimer.unref();
  }
}
