import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { AccountInput } from '../../shared/schemas.js';
import { testbed } from './testbed.js';

export type Delivery = { messageId: string | undefined; from: string; to: string[]; raw: Buffer };

type Reply = Error & { responseCode?: number };

export type FakeSmtpHooks = {
  /** Return an error (with responseCode) to refuse a recipient. */
  onRcpt?: (address: string, session: SMTPServerSession) => Reply | undefined;
  /** Return an error to refuse the message after DATA, or 'drop' to cut the connection instead of answering. */
  onData?: (delivery: Delivery) => Reply | 'drop' | undefined | Promise<Reply | 'drop' | undefined>;
  onMailFrom?: (address: string) => void | Promise<void>;
};

export type FakeSmtp = {
  port: number;
  /** Messages the server answered 250 to. */
  delivered: Delivery[];
  connections: number;
  account(overrides?: Partial<AccountInput>): AccountInput;
  close(): Promise<void>;
};

export function reply(code: number, text: string): Reply {
  const error = new Error(text) as Reply;
  error.responseCode = code;
  return error;
}

/**
 * An SMTP server for the faults a real one will not produce on demand (a 451 on the second try,
 * a drop in the middle of DATA). It speaks implicit TLS with the test bed's certificate, so the
 * client's certificate checks stay on.
 */
export async function startFakeSmtp(hooks: FakeSmtpHooks = {}): Promise<FakeSmtp> {
  const tls = join(testbed().stateDir, 'tls');
  const delivered: Delivery[] = [];
  const state = { connections: 0 };
  const server = new SMTPServer({
    secure: true,
    key: readFileSync(join(tls, 'server.key')),
    cert: readFileSync(join(tls, 'server.pem')),
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    size: 50 * 1024 * 1024,
    onConnect: (_session, callback) => {
      state.connections++;
      callback();
    },
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onMailFrom: (address: SMTPServerAddress, _session, callback) => {
      void Promise.resolve(hooks.onMailFrom?.(address.address)).then(() => callback());
    },
    onRcptTo: (address: SMTPServerAddress, session, callback) => callback(hooks.onRcpt?.(address.address, session) ?? null),
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
        const outcome = await hooks.onData?.(delivery);
        if (outcome === 'drop') {
          // Cut the connection where the client waits for the final reply.
          dropAll();
          return;
        }
        if (outcome) return callback(outcome);
        delivered.push(delivery);
        callback();
      });
    },
  });
  server.on('error', () => {});
  const dropAll = () => {
    for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) {
      connection._socket.destroy();
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropAll();
      }),
  };
}
