import nodemailer from 'nodemailer';
import type { Readable } from 'node:stream';
import type { Account } from '../../shared/schemas.js';
import type { RejectedRecipient } from '../outbox/journal.js';
import { smtpTransportOptions } from './transport-options.js';

export type Submission = {
  envelope: { from: string; to: string[] };
  /** The finished message, streamed: it is never held whole in memory here. */
  raw: () => Readable;
};

export type Accepted = { accepted: string[]; rejected: RejectedRecipient[]; reply: string };

type Pool = { key: string; transport: ReturnType<typeof nodemailer.createTransport>; idle?: NodeJS.Timeout };

/**
 * One pooled SMTP connection per account, kept open while the account has mail to send, so a
 * queue of messages costs one connect, one TLS handshake and one AUTH.
 */
export class PooledSmtpSender {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly idleMs = 30_000) {}

  async send(account: Account, password: string, submission: Submission): Promise<Accepted> {
    const pool = this.poolFor(account, password);
    clearTimeout(pool.idle);
    try {
      const info = await pool.transport.sendMail({ envelope: submission.envelope, raw: submission.raw() });
      const rejectedErrors = (info as { rejectedErrors?: { recipient?: string; response?: string }[] }).rejectedErrors ?? [];
      return {
        accepted: info.accepted.map(addressOf),
        rejected: info.rejected.map((entry: string | { address: string }) => {
          const address = addressOf(entry);
          const reason = rejectedErrors.find((e) => e.recipient === address)?.response ?? '';
          return { address, reply: reason };
        }),
        reply: info.response,
      };
    } finally {
      pool.idle = setTimeout(() => this.closeAccount(account.id), this.idleMs);
      pool.idle.unref();
    }
  }

  closeAccount(accountId: string): void {
    const pool = this.pools.get(accountId);
    if (!pool) return;
    clearTimeout(pool.idle);
    pool.transport.close();
    this.pools.delete(accountId);
  }

  close(): void {
    for (const id of [...this.pools.keys()]) this.closeAccount(id);
  }

  private poolFor(account: Account, password: string): Pool {
    // Settings or password changed: the old connection speaks for the old ones, so start anew.
    const key = JSON.stringify([account.smtp, account.email, password]);
    const existing = this.pools.get(account.id);
    if (existing?.key === key) return existing;
    if (existing) this.closeAccount(account.id);
    const transport = nodemailer.createTransport({
      ...smtpTransportOptions(account, password),
      pool: true,
      maxConnections: 1,
      maxMessages: Infinity,
    });
    const pool: Pool = { key, transport };
    this.pools.set(account.id, pool);
    return pool;
  }
}

function addressOf(entry: string | { address: string }): string {
  return typeof entry === 'string' ? entry : entry.address;
}
