import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { AppError } from '../../shared/errors.js';
import type { Account } from '../../shared/schemas.js';
import { smtpError } from './smtp-errors.js';
import { smtpTransportOptions } from './transport-options.js';

/** What a submission server said about itself in its EHLO reply, as far as pre-flight cares. */
export type ServerCapabilities = {
  /** The SIZE it declared, in bytes; null when it declared none, or SIZE 0 (no fixed limit). */
  sizeLimit: number | null;
  smtpUtf8: boolean;
  eightBitMime: boolean;
};

/** The account and the server it submits to: the cache is keyed by all three. */
export type SubmissionTarget = Pick<Account, 'id' | 'smtp'>;

/** Reads the capabilities out of EHLO keyword lines ("SIZE 31457280", "SMTPUTF8", ...), the greeting line excluded. */
export function capabilitiesFromEhlo(lines: readonly string[]): ServerCapabilities {
  const size = lines.map((line) => /^SIZE(?:[ \t]+(\d+))?\s*$/i.exec(line.trim())).find(Boolean);
  return {
    sizeLimit: size ? Number(size[1]) || null : null,
    smtpUtf8: lines.some((line) => /^SMTPUTF8\b/i.test(line.trim())),
    eightBitMime: lines.some((line) => /^8BITMIME\b/i.test(line.trim())),
  };
}

/** "250-mail.example\r\n250-SIZE 1000\r\n250 8BITMIME" -> ["SIZE 1000", "8BITMIME"]. */
export function ehloLines(reply: string): string[] {
  return reply
    .split(/\r?\n/)
    .map((line) => line.replace(/^\d{3}[ -]/, '').trim())
    .filter(Boolean)
    .slice(1);
}

/** A message larger than the server takes: both sizes, in words and as details. */
export function messageTooLarge(size: number, limit: number, host: string, serverReply?: string): AppError {
  let [sizeText, limitText] = [megabytes(size), megabytes(limit)];
  if (sizeText === limitText) [sizeText, limitText] = [`${size.toLocaleString('en')} bytes`, `${limit.toLocaleString('en')} bytes`];
  return new AppError('MESSAGE_TOO_LARGE', {
    message: `The message is ${sizeText}, but ${host} accepts at most ${limitText}. Remove an attachment or make it smaller.`,
    serverReply,
    details: { size: String(size), limit: String(limit), host },
  });
}

/**
 * What each account's submission server told us in EHLO (its SIZE above all), kept in memory
 * per account, host and port, so that a message the server would refuse is refused here
 * before any connection is made. It learns from every EHLO nodemailer reports (a send's
 * `info.ehlo`), from nodemailer's own size refusal, and from `probe`, which connects, says
 * EHLO (after STARTTLS where the account asks for it) and QUITs without AUTH.
 */
export class ServerLimits {
  private readonly known = new Map<string, { capabilities: ServerCapabilities; learnedAt: number }>();

  /**
   * @param maxAgeMs what was learned is trusted this long (a server's SIZE can change); after it,
   *   nodemailer's own check after EHLO still refuses an oversized message before MAIL FROM.
   */
  constructor(
    private readonly maxAgeMs = 60 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(target: SubmissionTarget): ServerCapabilities | undefined {
    const entry = this.known.get(keyOf(target));
    return entry && this.now() - entry.learnedAt <= this.maxAgeMs ? entry.capabilities : undefined;
  }

  learnFromEhlo(target: SubmissionTarget, lines: readonly string[] | undefined): void {
    if (lines?.length) this.remember(target, capabilitiesFromEhlo(lines));
  }

  /** The limit alone (from nodemailer's "Message size larger than allowed N"), keeping what else is known. */
  learnSizeLimit(target: SubmissionTarget, limit: number): void {
    const known = this.get(target) ?? { smtpUtf8: false, eightBitMime: false, sizeLimit: null };
    this.remember(target, { ...known, sizeLimit: limit > 0 ? limit : null });
  }

  forget(target: SubmissionTarget): void {
    this.known.delete(keyOf(target));
  }

  /** Throws MESSAGE_TOO_LARGE with both sizes when the server's known SIZE is below `bytes`. */
  checkMessageSize(target: SubmissionTarget, bytes: number): void {
    const limit = this.get(target)?.sizeLimit;
    if (limit && bytes > limit) throw messageTooLarge(bytes, limit, target.smtp.host);
  }

  /**
   * An address with a UTF-8 local part can only go to a server that offers SMTPUTF8 (RFC 6531);
   * nodemailer would send it regardless. Asks the server first when we do not know yet.
   */
  async checkInternationalized(account: Account, envelope: { from: string; to: string[] }): Promise<void> {
    const from = hasUtf8LocalPart(envelope.from) ? [envelope.from] : [];
    const to = envelope.to.filter(hasUtf8LocalPart);
    if (from.length === 0 && to.length === 0) return;
    const capabilities = this.get(account) ?? (await this.probe(account));
    if (capabilities.smtpUtf8) return;
    const host = account.smtp.host;
    if (from.length > 0) {
      throw new AppError('SERVER_ERROR', {
        message: `${host} does not accept internationalized addresses (SMTPUTF8), so it cannot send from ${envelope.from}.`,
        details: { host, extension: 'SMTPUTF8' },
      });
    }
    throw new AppError('RECIPIENT_REJECTED', {
      message: `${host} does not accept internationalized addresses (SMTPUTF8), so nothing was sent to ${to.join(', ')} or anyone else.`,
      details: { host, extension: 'SMTPUTF8', rejected: to.join(', ') },
    });
  }

  /** Connects without AUTH, reads the EHLO reply (the one after STARTTLS), says QUIT, and remembers it. */
  async probe(account: Account): Promise<ServerCapabilities> {
    const { host, port } = account.smtp;
    // The transport's options without its auth: the probe never authenticates.
    const { auth: _auth, ...options } = smtpTransportOptions(account, '');
    const connection = new SMTPConnection(options);
    try {
      await new Promise<void>((resolve, reject) => {
        connection.once('error', reject);
        connection.connect((error) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      connection.close();
      throw smtpError(error, host, port);
    }
    connection.on('error', () => {});
    const reply = typeof connection.lastServerResponse === 'string' ? connection.lastServerResponse : '';
    connection.quit();
    const capabilities = capabilitiesFromEhlo(ehloLines(reply));
    this.remember(account, capabilities);
    return capabilities;
  }

  private remember(target: SubmissionTarget, capabilities: ServerCapabilities): void {
    this.known.set(keyOf(target), { capabilities, learnedAt: this.now() });
  }
}

/** nodemailer refuses a message whose envelope size is over the server's SIZE before MAIL FROM. */
export function sizeLimitFromError(error: unknown): number | undefined {
  const err = error as { code?: string; message?: string } | undefined;
  if (err?.code !== 'EMESSAGE') return undefined;
  const match = /larger than allowed (\d+)/.exec(err.message ?? '');
  return match ? Number(match[1]) : undefined;
}

function hasUtf8LocalPart(address: string): boolean {
  return /[^\x00-\x7f]/.test(address.slice(0, address.lastIndexOf('@')));
}

function keyOf(target: SubmissionTarget): string {
  return JSON.stringify([target.id, target.smtp.host.toLowerCase(), target.smtp.port]);
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${bytes.toLocaleString('en')} bytes`;
}
