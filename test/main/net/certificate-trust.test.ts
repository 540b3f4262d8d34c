import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { AccountInput } from '../../../shared/schemas.js';
import { inMemoryService, sendAndSettle, settled, testbedAccount, value } from '../../support/accounts.js';
import { aliasOf, selfSignedCertificate, type TestCertificate } from '../../support/certificates.js';
import { testbed, user } from '../../support/testbed.js';

/**
 * Certificates are verified; an untrusted one stops the connection with its facts, and the
 * person can trust exactly that certificate for that account's server (a pin), never more.
 */

type FakeSmtps = { port: number; auths: number; mails: number; delivered: number; use(cert: TestCertificate): void; close(): Promise<void> };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An SMTP server on implicit TLS with the certificate given, counting what reaches it. */
async function startFakeSmtps(cert: TestCertificate): Promise<FakeSmtps> {
  const counts = { auths: 0, mails: 0, delivered: 0 };
  const server = new SMTPServer({
    secure: true,
    key: cert.key,
    cert: cert.cert,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth: (auth, _session, callback) => {
      counts.auths++;
      callback(null, { user: auth.username });
    },
    onMailFrom: (_address, _session, callback) => {
      counts.mails++;
      callback();
    },
    onData: (stream, _session, callback) => {
      stream.resume();
      stream.on('end', () => {
        counts.delivered++;
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const connections = () => (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections;
  const fake: FakeSmtps = {
    port: (server.server.address() as AddressInfo).port,
    get auths() {
      return counts.auths;
    },
    get mails() {
      return counts.mails;
    },
    get delivered() {
      return counts.delivered;
    },
    use(next) {
      // Same host and port, another certificate; open (pooled) connections end so the next one sees it.
      server.updateSecureContext({ key: next.key, cert: next.cert });
      for (const connection of connections()) connection._socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections()) connection._socket.destroy();
      }),
  };
  cleanups.push(() => fake.close());
  return fake;
}

function service() {
  const app = inMemoryService();
  cleanups.push(() => app.stop());
  return app;
}

function fakeAccount(smtpPort: number, imapPort = 9): AccountInput {
  return {
    name: 'Alice',
    email: 'alice@example.test',
    password: 'secret-password-1',
    imap: { host: '127.0.0.1', port: imapPort, security: 'tls' },
    smtp: { host: '127.0.0.1', port: smtpPort, security: 'tls' },
  };
}

const message = (accountId: string) => ({ accountId, to: ['bob@example.test'], subject: 'Hello', text: 'Hi Bob' });

function expectCertificateFacts(error: AppErrorDto | undefined, cert: { fingerprint256: string; subject: string; issuer: string }) {
  expect(error?.code).toBe('TLS_UNTRUSTED');
  expect(error?.details).toMatchObject({ fingerprint256: cert.fingerprint256, subject: cert.subject, issuer: cert.issuer });
  expect(error?.details?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  expect(Date.parse(error!.details!.validFrom!)).toBeLessThan(Date.now());
  expect(Date.parse(error!.details!.validTo!)).toBeGreaterThan(Date.now());
}

/** The test bed's server certificate, as a person would be shown it. */
function testbedCertificate() {
  const x509 = new X509Certificate(readFileSync(join(testbed().stateDir, 'tls', 'server.pem')));
  return { fingerprint256: x509.fingerprint256, subject: x509.subject.split('\n').join(', '), issuer: x509.issuer.split('\n').join(', ') };
}

describe('SMTP: an untrusted certificate', () => {
  const first = selfSignedCertificate('mail.self-signed.test');
  const second = selfSignedCertificate('mail.self-signed.test');

  it('stops the send with TLS_UNTRUSTED and the certificate’s fingerprint, subject and issuer; AUTH never reaches the server', async () => {
    const smtp = await startFakeSmtps(first);
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fakeAccount(smtp.port)));
    const item = await sendAndSettle(app, message(alice.id));
    expect(item.state).toBe('failed');
    expectCertificateFacts(item.error, first);
    expect(first.subject).toBe('O=Mua Test, CN=mail.self-signed.test');
    expect(item.error?.details).toMatchObject({ host: '127.0.0.1', port: String(smtp.port), protocol: 'smtp', reason: 'self-signed' });
    expect(item.error?.message).toContain('self-signed');
    expect(item.error?.message).toContain('trust this certificate');
    expect(JSON.stringify(item.error)).not.toContain('secret-password-1');
    expect([smtp.auths, smtp.mails]).toEqual([0, 0]);
  });

  it('goes through once the person trusts it; another certificate on the same host and port is refused again', async () => {
    const smtp = await startFakeSmtps(first);
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fakeAccount(smtp.port)));
    const failed = await sendAndSettle(app, message(alice.id));
    const fingerprint256 = failed.error!.details!.fingerprint256!;

    const trusted = value(
      await app.client.invoke('accounts.trustCertificate', { accountId: alice.id, protocol: 'smtp', fingerprint256 }),
    );
    expect(trusted.smtp.pinnedCertificate).toEqual({ host: '127.0.0.1', fingerprint256: first.fingerprint256, pem: first.cert });
    expect(trusted.imap?.pinnedCertificate).toBeUndefined();
    expect(value(await app.client.invoke('accounts.list', {}))[0]?.smtp.pinnedCertificate?.fingerprint256).toBe(first.fingerprint256);

    // The message that failed goes when retried, and new ones go too.
    value(await app.client.invoke('outbox.retry', { id: failed.id }));
    expect((await settled(app, failed.id)).state).toBe('sent');
    expect((await sendAndSettle(app, message(alice.id))).state).toBe('sent');
    expect(smtp.delivered).toBe(2);
    const authsBefore = smtp.auths;

    smtp.use(second);
    const refused = await sendAndSettle(app, message(alice.id));
    expect(refused.state).toBe('failed');
    expectCertificateFacts(refused.error, second);
    expect(refused.error?.details?.pinnedFingerprint256).toBe(first.fingerprint256);
    expect(refused.error?.message).toContain('different certificate from the one you trusted');
    expect(smtp.auths).toBe(authsBefore);
    expect(smtp.delivered).toBe(2);
  });

  it('is not trusted when the fingerprint the person approved is not the one the server presents now', async () => {
    const smtp = await startFakeSmtps(first);
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fakeAccount(smtp.port)));
    const reply = await app.client.invoke('accounts.trustCertificate', {
      accountId: alice.id,
      protocol: 'smtp',
      fingerprint256: second.fingerprint256,
    });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expectCertificateFacts(reply.error, first);
    expect(reply.error.message).toContain('different certificate from the one you approved');
    expect(value(await app.client.invoke('accounts.list', {}))[0]?.smtp.pinnedCertificate).toBeUndefined();
    expect((await sendAndSettle(app, message(alice.id))).state).toBe('failed');
    expect(smtp.auths).toBe(0);
  });

  it('cannot be pinned through accounts.add: the pin comes from accounts.trustCertificate only', async () => {
    const smtp = await startFakeSmtps(first);
    const app = service();
    const input = fakeAccount(smtp.port);
    const smuggled = { ...input, smtp: { ...input.smtp, pinnedCertificate: { host: '127.0.0.1', fingerprint256: first.fingerprint256, pem: first.cert } } };
    const alice = value(await app.client.invoke('accounts.add', smuggled as AccountInput));
    expect(alice.smtp.pinnedCertificate).toBeUndefined();
    expect((await sendAndSettle(app, message(alice.id))).error?.code).toBe('TLS_UNTRUSTED');
  });

  it('is refused by fingerprint shape before anything is probed', async () => {
    const app = service();
    const reply = await app.client.invoke('accounts.trustCertificate', {
      accountId: 'acc_12345678',
      protocol: 'smtp',
      fingerprint256: 'not-a-fingerprint',
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});

describe('a certificate from a trusted CA, for another name (the test bed addressed by a name not in its certificate)', () => {
  const bed = () => testbed();

  for (const smtp of ['tls', 'submission'] as const) {
    it(`SMTP ${smtp === 'tls' ? '465 implicit TLS' : '587 STARTTLS'}: TLS_UNTRUSTED for a hostname mismatch, then sends once trusted`, async () => {
      const app = service();
      const input = testbedAccount('alice', { smtp });
      const host = aliasOf(bed().smtp.host);
      const alice = value(await app.client.invoke('accounts.add', { ...input, smtp: { ...input.smtp, host } }));
      const failed = await sendAndSettle(app, { ...message(alice.id), to: [user('bob').email] });
      expect(failed.state).toBe('failed');
      expectCertificateFacts(failed.error, testbedCertificate());
      expect(failed.error?.details).toMatchObject({ host, reason: 'hostname-mismatch', tlsCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      expect(failed.error?.details?.issuer).toContain('MUA Testbed CA');
      expect(failed.error?.message).toContain('issued for another name');

      value(
        await app.client.invoke('accounts.trustCertificate', {
          accountId: alice.id,
          protocol: 'smtp',
          fingerprint256: failed.error!.details!.fingerprint256!.toLowerCase(),
        }),
      );
      const sent = await sendAndSettle(app, { ...message(alice.id), to: [user('bob').email] });
      expect(sent.state).toBe('sent');
      expect(sent.accepted).toEqual([user('bob').email]);
    });
  }

  for (const imap of ['tls', 'starttls'] as const) {
    it(`IMAP ${imap === 'tls' ? '993 implicit TLS' : '143 STARTTLS'}: TLS_UNTRUSTED for a hostname mismatch, then reads once trusted`, async () => {
      const app = service();
      const input = testbedAccount('bob', { imap });
      const host = aliasOf(bed().imap.host);
      const bob = value(await app.client.invoke('accounts.add', { ...input, imap: { ...input.imap, host } }));
      const refused = await app.client.invoke('messages.list', { accountId: bob.id });
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expectCertificateFacts(refused.error, testbedCertificate());
      expect(refused.error.details).toMatchObject({ host, protocol: 'imap', reason: 'hostname-mismatch' });

      const trusted = value(
        await app.client.invoke('accounts.trustCertificate', {
          accountId: bob.id,
          protocol: 'imap',
          fingerprint256: refused.error.details!.fingerprint256!,
        }),
      );
      expect(trusted.imap?.pinnedCertificate?.host).toBe(host);
      expect(trusted.smtp.pinnedCertificate).toBeUndefined();
      expect(Array.isArray(value(await app.client.invoke('messages.list', { accountId: bob.id })))).toBe(true);
    });
  }
});

describe('IMAP: an untrusted certificate', () => {
  it('stops the connection with TLS_UNTRUSTED and the certificate’s facts before any command is sent', async () => {
    const cert = selfSignedCertificate('imap.self-signed.test');
    let received = '';
    const server = tls.createServer({ key: cert.key, cert: cert.cert }, (socket) => {
      socket.on('error', () => {});
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fakeAccount(9, (server.address() as AddressInfo).port)));
    const reply = await app.client.invoke('messages.list', { accountId: alice.id });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expectCertificateFacts(reply.error, cert);
    expect(reply.error.details).toMatchObject({ protocol: 'imap', reason: 'self-signed' });
    expect(received).toBe('');
  });
});
