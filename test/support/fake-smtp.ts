import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  SMTPServer,
  type SMTPServerAddressArgs,
  type SMTPServerAuthentication,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';
import { afterEach } from 'vitest';
import type { AccountInput } from '../../shared/schemas.js';
import { inMemoryService } from './accounts.js';
import { testbed } from './testbed.js';

export type Delivery = { messageId: string | undefined; from: string; to: string[]; raw: Buffer };
export type MailFrom = { address: string; args: SMTPServerAddressArgs | false; bodyType?: string; smtpUtf8?: boolean };
export type AuthAttempt = Pick<SMTPServerAuthentication, 'method' | 'username' | 'password' | 'accessToken'>;
export type AuthVerdict = { ok: true } | { ok: false; message?: string; data?: object };

type Reply = Error & { responseCode?: number };

/** What the test decides. (onData and onMailFrom here are these hooks, not smtp-server's handlers.) */
export type FakeSmtpHooks = {
  /** Return an error (with responseCode) to refuse a recipient. */
  onRcpt?: (address: string, session: SMTPServerSession) => Reply | undefined;
  /** Return an error to refuse the message after DATA, or 'drop' to cut the connection instead of answering. */
  onData?: (delivery: Delivery) => Reply | 'drop' | undefined | Promise<Reply | 'drop' | undefined>;
  onMailFrom?: (address: string) => void | Promise<void>;
  /** Decides each AUTH (default: any credentials pass). */
  checkAuth?: (auth: SMTPServerAuthentication) => AuthVerdict;
};

type Handler = 'onAuth' | 'onConnect' | 'onMailFrom' | 'onRcptTo' | 'onData';

/**
 * The hooks, and any other smtp-server option as it is (authMethods, size, hideSize, hide8BITMIME,
 * hideSMTPUTF8, authOptional, ...), over the defaults: implicit TLS, PLAIN, LOGIN, CRAM-MD5 and
 * XOAUTH2 offered, SIZE 50 MB.
 */
export type FakeSmtpOptions = FakeSmtpHooks & Omit<Partial<SMTPServerOptions>, Handler>;

export type FakeSmtp = {
  port: number;
  /** Messages the server answered 250 to. */
  delivered: Delivery[];
  /** Every MAIL FROM with its parameters (SIZE, BODY, SMTPUTF8) as smtp-server parsed them. */
  mailFroms: MailFrom[];
  /** Every RCPT TO address the client gave, refused ones included. */
  rcptTos: string[];
  auths: AuthAttempt[];
  readonly connections: number;
  account(overrides?: Partial<AccountInput>): AccountInput;
  /** Cuts every open connection (a pooled client has to connect again for its next message). */
  dropConnections(): void;
  close(): Promise<void>;
};

export function reply(code: number, text: string): Reply {
  const error = new Error(text) as Reply;
  error.responseCode = code;
  return error;
}

/**
 * An SMTP server (smtp-server) for what a real one will not do on demand: a 451 on the second
 * try, a drop in the middle of DATA, a small SIZE, no SMTPUTF8, a given set of AUTH methods. It
 * records what the client says about itself (AUTH method and credentials, MAIL FROM parameters,
 * recipients) and speaks implicit TLS with the test bed's certificate, so the client's
 * certificate checks stay on.
 */
export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const { onRcpt, onData, onMailFrom, checkAuth = () => ({ ok: true }), ...serverOptions } = options;
  const tls = join(testbed().stateDir, 'tls');
  const state = { connections: 0 };
  const delivered: Delivery[] = [];
  const mailFroms: MailFrom[] = [];
  const rcptTos: string[] = [];
  const auths: AuthAttempt[] = [];
  const server = new SMTPServer({
    secure: true,
    key: readFileSync(join(tls, 'server.key')),
    cert: readFileSync(join(tls, 'server.pem')),
    logger: false,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    size: 50 * 1024 * 1024,
    ...serverOptions,
    onConnect: (_session, callback) => {
      state.connections++;
      callback();
    },
    onAuth: (auth, _session, callback) => {
      auths.push({ method: auth.method, username: auth.username, password: auth.password, accessToken: auth.accessToken });
      const verdict = checkAuth(auth);
      if (verdict.ok) return callback(null, { user: auth.username });
      if (verdict.data) return callback(null, { data: verdict.data });
      return callback(new Error(verdict.message ?? 'Authentication credentials invalid'));
    },
    onMailFrom: (address, session, callback) => {
      mailFroms.push({
        address: address.address,
        args: address.args,
        bodyType: session.envelope.bodyType,
        smtpUtf8: session.envelope.smtpUtf8,
      });
      void Promise.resolve(onMailFrom?.(address.address)).then(() => callback());
    },
    onRcptTo: (address, session, callback) => {
      rcptTos.push(address.address);
      callback(onRcpt?.(address.address, session) ?? null);
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const delivery: Delivery = {
          messageId: raw.toString('latin1').match(/^Message-ID:\s*(<[^>]+>)/im)?.[1],
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        };
        const outcome = await onData?.(delivery);
        if (outcome === 'drop') {
          // Cut the connection where the client waits for the final reply.
          dropConnections();
          return;
        }
        if (outcome) return callback(outcome);
        delivered.push(delivery);
        callback();
      });
    },
  });
  server.on('error', () => {});
  const dropConnections = () => {
    for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) {
      connection._socket.destroy();
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    delivered,
    mailFroms,
    rcptTos,
    auths,
    get connections() {
      return state.connections;
    },
    account: (overrides = {}) => ({
      name: 'Alice',
      email: 'alice@example.test',
      password: 'fake-password',
      imap: { host: '127.0.0.1', port: 9, security: 'tls' },
      smtp: { host: '127.0.0.1', port, security: 'tls' },
      ...overrides,
    }),
    dropConnections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropConnections();
      }),
  };
}

/**
 * For a test file whose tests run services against fake SMTP servers: after each test, the
 * services `service()` started are stopped, then the servers `fakeSmtp()` started are closed.
 */
export function servicesAndFakeSmtp() {
  const services: ReturnType<typeof inMemoryService>[] = [];
  const servers: FakeSmtp[] = [];
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    service(...args: Parameters<typeof inMemoryService>) {
      const s = inMemoryService(...args);
      services.push(s);
      return s;
    },
    async fakeSmtp(options?: FakeSmtpOptions) {
      const s = await startFakeSmtp(options);
      servers.push(s);
      return s;
    },
  };
}
