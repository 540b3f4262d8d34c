import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Readable } from 'node:stream';
import type { Account } from '../../shared/schemas.js';
import type { RejectedRecipient } from '../outbox/journal.js';
import { messageTooLarge, ServerLimits, sizeLimitFromError } from './server-limits.js';
import { untrustedWithDetails } from './smtp-errors.js';
import { smtpTransportOptions } from './transport-options.js';

export type Submission = {
  envelope: { from: string; to: string[] };
  /** The finished message, streamed: it is never held whole in memory here. */
  raw: () => Readable;
  /**
   * Or, for a message kept as a draft, what nodemailer's composer builds it from: composed as it
   * is written to the server, in one pass, the way nodemailer sends any message.
   */
  compose?: () => SendMailOptions;
  /** Its size in bytes: checked against the server's SIZE before connecting, and declared in MAIL FROM. */
  size?: number;
};

export type Accepted = { accepted: string[]; rejected: RejectedRecipient[]; reply: string };

type Pool = { key: string; transport: ReturnType<typeof nodemailer.createTransport>; idle?: NodeJS.Timeout };

/**
 * One pooled SMTP connection per account, kept open while the account has mail to send, so a
 * queue of messages costs one connect, one TLS handshake and one AUTH.
 */
export class PooledSmtpSender {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly idleMs = 30_000,
    /** What each server said in EHLO (SIZE, SMTPUTF8), for the pre-flight checks. */
    readonly limits = new ServerLimits(),
  ) {}

  async send(account: Account, password: string, submission: Submission): Promise<Accepted> {
    // Pre-flight, before any connection: a message over the server's known SIZE, or an
    // internationalized address for a server without SMTPUTF8, fails here.
    try {
      if (submission.size !== undefined) this.limits.checkMessageSize(account, submission.size);
      await this.limits.checkInternationalized(account, submission.envelope);
    } catch (error) {
      throw await untrustedWithDetails(error, account);
    }
    const pool = this.poolFor(account, password);
    clearTimeout(pool.idle);
    try {
      const info = await pool.transport.sendMail({
        envelope: {
          ...submission.envelope,
          // SIZE=n in MAIL FROM where the server offers SIZE; nodemailer also refuses, before
          // MAIL FROM, a message over the SIZE the server has just declared in EHLO.
          size: submission.size,
          // BODY=8BITMIME where the server offers it. The raw message is opaque here, and the
          // declaration says the body *may* hold 8-bit octets (RFC 6152), so it is always made,
          // as Thunderbird does; SMTPUTF8 nodemailer adds itself for a UTF-8 address.
          use8BitMime: true,
        },
        ...(submission.compose ? submission.compose() : { raw: submission.raw() }),
      });
      this.limits.learnFromEhlo(account, (info as { ehlo?: string[] }).ehlo);
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
    } catch (error) {
      const limit = sizeLimitFromError(error);
      if (limit !== undefined) {
        // Learned now, so the next attempt is refused before connecting.
        this.limits.learnSizeLimit(account, limit);
        if (submission.size !== undefined) throw messageTooLarge(submission.size, limit, account.smtp.host);
      }
      // An untrusted certificate goes out with the certificate's facts, for the person to judge;
      // every other failure goes out as it came, for the outbox to classify.
      throw await untrustedWithDetails(error, account);
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
    const key = JSON.stringify([account.smtp, account.username, account.email, password]);
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
