import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerAddressArgs, type SMTPServerAuthentication, type SMTPServerOptions } from 'smtp-server';
import type { AccountInput } from '../../shared/schemas.js';
import { testbed } from './testbed.js';

export type MailFrom = { address: string; args: SMTPServerAddressArgs | false; bodyType?: string; smtpUtf8?: boolean };
export type AuthAttempt = Pick<SMTPServerAuthentication, 'method' | 'username' | 'password' | 'accessToken'>;

export type RecordingSmtp = {
  port: number;
  /** Every MAIL FROM with its parameters (SIZE, BODY, SMTPUTF8) as smtp-server parsed them. */
  mailFroms: MailFrom[];
  rcptTos: string[];
  auths: AuthAttempt[];
  delivered: Buffer[];
  readonly connections: number;
  account(overrides?: Partial<AccountInput>): AccountInput;
  /** Cuts every open connection (a pooled client has to connect again for its next message). */
  dropConnections(): void;
  close(): Promise<void>;
};

/**
 * An SMTP server (smtp-server, implicit TLS with the test bed's certificate) that records what
 * the client says about itself: its AUTH method and credentials, its MAIL FROM parameters. The
 * options go to smtp-server as they are (authMethods, size, hide8BITMIME, hideSMTPUTF8, ...);
 * `checkAuth` decides each AUTH (default: any credentials pass).
 */
export async function startRecordingSmtp(
  options: Partial<SMTPServerOptions> = {},
  checkAuth: (auth: SMTPServerAuthentication) => { ok: true } | { ok: false; message?: string; data?: object } = () => ({ ok: true }),
): Promise<RecordingSmtp> {
  const tls = join(testbed().stateDir, 'tls');
  const state = { connections: 0 };
  const mailFroms: MailFrom[] = [];
  const rcptTos: string[] = [];
  const auths: AuthAttempt[] = [];
  const delivered: Buffer[] = [];
  const server = new SMTPServer({
    secure: true,
    key: readFileSync(join(tls, 'server.key')),
    cert: readFileSync(join(tls, 'server.pem')),
    logger: false,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    size: 10 * 1024 * 1024,
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
      callback();
    },
    onRcptTo: (address, _session, callback) => {
      rcptTos.push(address.address);
      callback();
    },
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        delivered.push(Buffer.concat(chunks));
        callback();
      });
    },
    ...options,
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
    mailFroms,
    rcptTos,
    auths,
    delivered,
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
