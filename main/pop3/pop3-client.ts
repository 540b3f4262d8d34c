import { withCertificateDetails } from '../net/untrusted-certificate.js';
import { AppError } from '../../shared/errors.js';
import type { PinnedCertificate } from '../../shared/schemas.js';
import { verifiedTlsOptions } from '../net/tls-options.js';
import { apop } from './commands/apop.js';
import { authPlain } from './commands/auth-plain.js';
import { authXoauth2 } from './commands/auth-xoauth2.js';
import { capa, saslMechanisms, type Pop3Capabilities } from './commands/capa.js';
import { dele } from './commands/dele.js';
import { list, listOne, type Pop3ListEntry } from './commands/list.js';
import { noop } from './commands/noop.js';
import { quit } from './commands/quit.js';
import { retr, retrToFile, type RetrToFileOptions } from './commands/retr.js';
import { retrEach, type RetrTarget } from './commands/retr-pipelined.js';
import { rset } from './commands/rset.js';
import { stat, type Pop3Stat } from './commands/stat.js';
import { stls } from './commands/stls.js';
import { top, DEFAULT_MAX_TOP_BYTES } from './commands/top.js';
import { userPass } from './commands/user-pass.js';
import { uidl, uidlOne, type Pop3UidlEntry } from './commands/uidl.js';
import { Pop3Connection, type BodySink, type Pop3Timeouts } from './pop3-connection.js';
import { pop3Error, protocolError, tlsRequired } from './pop3-errors.js';

export type { Pop3Capabilities, Pop3ListEntry, Pop3Stat, Pop3UidlEntry, Pop3Timeouts, BodySink, RetrToFileOptions };

/**
 * 'tls': TLS from the first byte (995). 'starttls': plaintext port (110) upgraded with STLS,
 * required. 'none': plaintext throughout, only when the account says so in as many words.
 */
export type Pop3Security = 'tls' | 'starttls' | 'none';

/**
 * 'auto': XOAUTH2 for a token; else SASL PLAIN when CAPA lists it, else USER/PASS. 'APOP' only
 * when asked for (and the greeting has a timestamp). A named method is used as is.
 */
export type Pop3AuthMethod = 'auto' | 'PLAIN' | 'USER' | 'APOP' | 'XOAUTH2';

export type Pop3Settings = {
  host: string;
  port: number;
  security: Pop3Security;
  pinnedCertificate?: PinnedCertificate;
  authMethod?: Pop3AuthMethod;
};

export type Pop3Credentials = { user: string; password: string } | { user: string; accessToken: string };

export type Pop3ClientOptions = {
  timeouts?: Partial<Pop3Timeouts>;
  /** The longest status/listing line accepted (see Pop3ConnectionOptions). */
  maxLineLength?: number;
  /** The largest TOP answer kept in memory. */
  maxTopBytes?: number;
};

/**
 * A logged-in POP3 session (TRANSACTION state). Commands run one at a time, in call order.
 * Message numbers are this session's only; UIDL gives the identity that lasts.
 * End with quit() (which commits DELE) or close() (a drop: nothing is deleted).
 */
/** RETR commands sent ahead of the answers (a few hundred bytes on the wire: no deadlock risk, RFC 2449 §6.6). */
const PIPELINE_WINDOW = 16;

export class Pop3Client {
  /** The server's greeting text (after +OK). */
  readonly greeting: string;
  /** CAPA after login (RFC 2449 allows it to change), or undefined for a server without CAPA. */
  readonly capabilities: Pop3Capabilities | undefined;
  private readonly connection: Pop3Connection;
  private readonly options: Pop3ClientOptions;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(connection: Pop3Connection, greeting: string, capabilities: Pop3Capabilities | undefined, options: Pop3ClientOptions) {
    this.connection = connection;
    this.greeting = greeting;
    this.capabilities = capabilities;
    this.options = options;
  }

  /** Connects, secures (TLS or STLS, verified) and logs in; failures are typed AppErrors. */
  static async connect(settings: Pop3Settings, credentials: Pop3Credentials, options: Pop3ClientOptions = {}): Promise<Pop3Client> {
    const where = { host: settings.host, port: settings.port };
    for (const value of [credentials.user, 'password' in credentials ? credentials.password : credentials.accessToken]) {
      if (/[\r\n\0]/.test(value)) throw new AppError('INVALID_ARGUMENT', { message: 'The user name and password must not contain line breaks.' });
    }
    let connection: Pop3Connection | undefined;
    try {
      connection = await Pop3Connection.open({
        host: settings.host,
        port: settings.port,
        implicitTls: settings.security === 'tls',
        tls: verifiedTlsOptions(settings.host, settings.pinnedCertificate),
        timeouts: options.timeouts,
        maxLineLength: options.maxLineLength,
      });
      const greeting = await connection.readGreeting();
      if (greeting.kind !== 'ok') {
        throw protocolError(where, 'greeting-refused', `The POP3 server refused the connection: ${greeting.text}`, greeting.text);
      }
      let capabilities = await capa(connection);
      if (settings.security === 'starttls') {
        await stls(connection, capabilities);
        // RFC 2595 §4: what was said before TLS is forgotten; ask again over TLS.
        capabilities = await capa(connection);
      }
      // Defence in depth: whatever the path above, no credential goes out in plaintext unless
      // the account explicitly chose no encryption.
      if (!connection.secure && settings.security !== 'none') throw tlsRequired(where);
      await authenticate(connection, settings, credentials, greeting.text, capabilities);
      const after = (await capa(connection)) ?? capabilities;
      return new Pop3Client(connection, greeting.text, after, options);
    } catch (error) {
      connection?.destroy();
      // An untrusted certificate goes out with the certificate's facts, for the person to judge.
      const failure = pop3Error(error, where, 'INTERNAL');
      if (settings.security === 'none') throw failure;
      throw await withCertificateDetails(failure, { protocol: 'pop3', host: settings.host, port: settings.port, security: settings.security }, settings.pinnedCertificate);
    }
  }

  get secure(): boolean {
    return this.connection.secure;
  }

  /** False once the connection is gone (QUIT, close, or a failure). */
  get usable(): boolean {
    return !this.connection.closed;
  }

  /** Whether CAPA lists UIDL (a server without CAPA may still have it: try uidl()). */
  get advertisesUidl(): boolean | undefined {
    return this.capabilities ? this.capabilities.has('UIDL') : undefined;
  }

  private run<T>(job: (connection: Pop3Connection) => Promise<T>): Promise<T> {
    const where = { host: this.connection.host, port: this.connection.port };
    const result = this.tail.then(() => job(this.connection)).catch((error: unknown) => {
      throw pop3Error(error, where, 'INTERNAL');
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  stat(): Promise<Pop3Stat> {
    return this.run(stat);
  }

  list(): Promise<Pop3ListEntry[]> {
    return this.run(list);
  }

  listOne(n: number): Promise<Pop3ListEntry> {
    return this.run((c) => listOne(c, n));
  }

  /** Every message's unique id; a server without UIDL fails so that isUidlUnsupported(error) is true. */
  uidl(): Promise<Pop3UidlEntry[]> {
    return this.run(uidl);
  }

  uidlOne(n: number): Promise<Pop3UidlEntry> {
    return this.run((c) => uidlOne(c, n));
  }

  /** The header and the first `lines` lines of the body, as a Buffer (capped: maxTopBytes). */
  top(n: number, lines = 0): Promise<Buffer> {
    return this.run((c) => top(c, n, lines, this.options.maxTopBytes ?? DEFAULT_MAX_TOP_BYTES));
  }

  /** The whole message into `path` (via `<path>.partial`, then renamed); returns its size. */
  retrToFile(n: number, path: string, options?: RetrToFileOptions): Promise<number> {
    return this.run((c) => retrToFile(c, n, path, options));
  }

  /** The whole message streamed into `sink`; returns its size. */
  retr(n: number, sink: BodySink): Promise<number> {
    return this.run((c) => retr(c, n, sink));
  }

  /**
   * RETR of many messages in order, sent ahead of the answers when the server offers PIPELINING
   * (see commands/retr-pipelined.ts); each streamed to the sink `open(n)` gives.
   */
  retrEach(numbers: readonly number[], open: (n: number) => RetrTarget): Promise<void> {
    const window = this.capabilities?.has('PIPELINING') ? PIPELINE_WINDOW : 1;
    return this.run((c) => retrEach(c, numbers, window, open));
  }

  /** Marks a message as deleted; it goes only at quit(). */
  dele(n: number): Promise<void> {
    return this.run((c) => dele(c, n));
  }

  /** Unmarks every message marked as deleted in this session. */
  rset(): Promise<void> {
    return this.run(rset);
  }

  noop(): Promise<void> {
    return this.run(noop);
  }

  /** Ends the session: the server now removes what was marked with DELE. */
  quit(): Promise<void> {
    return this.run(quit);
  }

  /** Drops the connection without QUIT: nothing marked with DELE in this session is removed. */
  close(): void {
    this.connection.destroy();
  }
}

async function authenticate(
  connection: Pop3Connection,
  settings: Pop3Settings,
  credentials: Pop3Credentials,
  greeting: string,
  capabilities: Pop3Capabilities | undefined,
): Promise<void> {
  const { user } = credentials;
  const method = settings.authMethod ?? 'auto';
  if ('accessToken' in credentials) {
    if (method !== 'auto' && method !== 'XOAUTH2') {
      throw new AppError('INVALID_ARGUMENT', { message: `An access token signs in with XOAUTH2, not ${method}.` });
    }
    return authXoauth2(connection, user, credentials.accessToken);
  }
  const { password } = credentials;
  switch (method) {
    case 'XOAUTH2':
      // The stored secret is the access token (as for SMTP's XOAUTH2).
      return authXoauth2(connection, user, password);
    case 'APOP':
      return apop(connection, user, password, greeting);
    case 'PLAIN':
      return authPlain(connection, user, password);
    case 'USER':
      return userPass(connection, user, password);
    case 'auto':
      if (saslMechanisms(capabilities).includes('PLAIN')) return authPlain(connection, user, password);
      return userPass(connection, user, password);
  }
}

/**
 * Runs `job` on a fresh, logged-in session and ends it: with QUIT when the job succeeds (which
 * commits its DELEs), by dropping the connection when it fails (so nothing is deleted).
 */
export async function withPop3<T>(
  settings: Pop3Settings,
  credentials: Pop3Credentials,
  job: (client: Pop3Client) => Promise<T>,
  options?: Pop3ClientOptions,
): Promise<T> {
  const client = await Pop3Client.connect(settings, credentials, options);
  let result: T;
  try {
    result = await job(client);
  } catch (error) {
    client.close();
    throw pop3Error(error, { host: settings.host, port: settings.port }, 'INTERNAL');
  }
  await client.quit();
  return result;
}
