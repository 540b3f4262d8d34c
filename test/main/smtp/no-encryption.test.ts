import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { requests } from '../../../shared/contract.js';
import type { AccountInput } from '../../../shared/schemas.js';
import { inMemoryService, sendAndSettle, value } from '../../support/accounts.js';
import { selfSignedCertificate } from '../../support/certificates.js';

/** 'No encryption' is an explicit SMTP setting: it never tries TLS, and nothing else falls back to it. */

type Plain = { port: number; auths: number; secureSessions: number; plainSessions: number; commands: string[] };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A plaintext SMTP server (as on port 25 of a local relay); `offerStartTls` adds STARTTLS to EHLO. */
async function startPlainSmtp(offerStartTls: boolean): Promise<Plain> {
  const state: Plain = { port: 0, auths: 0, secureSessions: 0, plainSessions: 0, commands: [] };
  const cert = selfSignedCertificate('relay.example.test');
  const server = new SMTPServer({
    secure: false,
    // Not offered and not accepted either: a client that sends STARTTLS anyway gets a 5xx.
    disabledCommands: offerStartTls ? [] : ['STARTTLS'],
    key: cert.key,
    cert: cert.cert,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth: (auth, _session, callback) => {
      state.auths++;
      callback(null, { user: auth.username });
    },
    onSecure: (_socket, _session, callback) => {
      state.commands.push('STARTTLS');
      callback();
    },
    onData: (stream, session, callback) => {
      stream.resume();
      stream.on('end', () => {
        if (session.secure) state.secureSessions++;
        else state.plainSessions++;
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.server.address() as AddressInfo).port;
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return state;
}

function account(port: number, security: 'none' | 'starttls'): AccountInput {
  return {
    name: 'Alice',
    email: 'alice@example.test',
    password: 'relay-password-1',
    imap: { host: '127.0.0.1', port: 9, security: 'tls' },
    smtp: { host: '127.0.0.1', port, security },
  };
}

function service() {
  const app = inMemoryService();
  closers.push(() => app.stop());
  return app;
}

const message = (accountId: string) => ({ accountId, to: ['bob@example.test'], subject: 'Plain', text: 'in the clear' });

describe('SMTP without encryption', () => {
  it('sends to a plaintext server when the account says “no encryption”', async () => {
    const smtp = await startPlainSmtp(false);
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', account(smtp.port, 'none')));
    expect(alice.smtp.security).toBe('none');
    const item = await sendAndSettle(app, message(alice.id));
    expect(item.state).toBe('sent');
    expect(item.accepted).toEqual(['bob@example.test']);
    expect([smtp.plainSessions, smtp.auths]).toEqual([1, 1]);
  });

  it('never attempts TLS with “no encryption”, even where the server offers STARTTLS', async () => {
    const smtp = await startPlainSmtp(true);
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', account(smtp.port, 'none')));
    expect((await sendAndSettle(app, message(alice.id))).state).toBe('sent');
    expect(smtp.commands).toEqual([]);
    expect([smtp.plainSessions, smtp.secureSessions]).toEqual([1, 0]);
  });

  it('still fails with TLS_REQUIRED and sends no AUTH when the account says STARTTLS to the same server', async () => {
    const smtp = await startPlainSmtp(false);
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', account(smtp.port, 'starttls')));
    const item = await sendAndSettle(app, message(alice.id));
    expect(item).toMatchObject({ state: 'failed', error: { code: 'TLS_REQUIRED' } });
    expect([smtp.auths, smtp.plainSessions]).toEqual([0, 0]);
  });

  it('is an SMTP setting only: IMAP keeps SSL/TLS or STARTTLS', () => {
    const input = requests['accounts.add'].input;
    const base = account(25, 'none');
    expect(input.safeParse(base).success).toBe(true);
    expect(input.safeParse({ ...base, imap: { ...base.imap, security: 'none' } }).success).toBe(false);
    expect(input.safeParse({ ...base, smtp: { ...base.smtp, security: 'plain' } }).success).toBe(false);
  });
});
