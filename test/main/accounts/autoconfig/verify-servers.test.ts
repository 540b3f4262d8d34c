import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryOptions } from '../../../../main/accounts/autoconfig/discovery-options.js';
import { createMailService } from '../../../../main/service.js';
import type { RequestInput } from '../../../../shared/contract.js';
import { newProfile } from '../../../support/accounts.js';
import { certificateAuthority, issue, selfSignedCertificate } from '../../../support/certificates.js';
import { testbed, user } from '../../../support/testbed.js';
import { configXml } from './support/config-files.js';
import { startLoopbackDns, type LoopbackDns } from './support/loopback-dns.js';
import { startLoopbackHttps, type LoopbackHttps } from './support/loopback-https.js';

/** This file's own loopback address for its ISPDB. */
const WEB = '127.66.0.2';
const ca = certificateAuthority('Mua Verify Test CA');
const ispdbCertificate = issue(ca, 'ispdb.test');

let web: LoopbackHttps;
let dns: LoopbackDns;
let service: ReturnType<typeof createMailService>;

beforeAll(async () => {
  const bed = testbed();
  web = await startLoopbackHttps(WEB, ispdbCertificate);
  // mail.example.test is a name on the test bed's certificate: IMAP is reached by that name,
  // resolved by the test DNS server, its certificate checked against the name.
  dns = await startLoopbackDns({ 'ispdb.test': { a: [WEB] }, 'mail.example.test': { a: [bed.imap.host] } });
  web.pages.set(
    'ispdb.test/v1.1/example.test',
    {
      body: configXml('Test bed', [
        { type: 'imap', host: 'mail.example.test', port: bed.imap.tlsPort, socketType: 'SSL' },
        { type: 'pop3', host: bed.pop3.host, port: bed.pop3.tlsPort, socketType: 'SSL' },
        { type: 'smtp', host: bed.smtp.host, port: bed.smtp.tlsPort, socketType: 'SSL' },
      ]),
    },
  );
  const discovery: DiscoveryOptions = { ispdbBaseUrl: 'https://ispdb.test', dnsServers: dns.servers, ca: [ca.cert], timeoutMs: 8000, verifyTimeoutMs: 3000 };
  service = createMailService({ ...newProfile(), discovery });
});

afterAll(async () => {
  await service?.stop();
  await web?.close();
  await dns?.close();
});

async function invoke<C extends 'accounts.discover' | 'accounts.verify'>(channel: C, input: RequestInput<C>) {
  const reply = await service.client.invoke(channel, input);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.value;
}

describe('accounts.discover with a password', () => {
  it('finds the settings, logs in to the incoming server and authenticates to SMTP, sending nothing', async () => {
    const alice = user('alice');
    const found = await invoke('accounts.discover', { email: alice.email, password: alice.password });
    expect(found.source).toEqual({ kind: 'ispdb', where: 'https://ispdb.test/v1.1/example.test' });
    expect(found.incoming.map((s) => s.protocol)).toEqual(['imap', 'pop3']);
    expect(found.verification).toEqual({
      incoming: [{ protocol: 'imap', host: 'mail.example.test', port: testbed().imap.tlsPort, outcome: 'ok' }],
      outgoing: [{ protocol: 'smtp', host: testbed().smtp.host, port: testbed().smtp.tlsPort, outcome: 'ok' }],
    });
  });

  it('reports a wrong password as AUTH_FAILED with the server’s words, and tries no further server with it', async () => {
    const found = await invoke('accounts.discover', { email: user('alice').email, password: 'not-alices-password' });
    expect(found.verification?.incoming).toHaveLength(1);
    expect(found.verification?.incoming[0]).toMatchObject({ protocol: 'imap', outcome: 'failed', error: { code: 'AUTH_FAILED' } });
    expect(found.verification?.outgoing[0]).toMatchObject({ protocol: 'smtp', outcome: 'failed', error: { code: 'AUTH_FAILED', serverReply: expect.stringMatching(/^535/) } });
  });

  it('without a password finds the settings and checks nothing', async () => {
    const found = await invoke('accounts.discover', { email: user('alice').email });
    expect(found.verification).toBeUndefined();
    expect(found.outgoing).toHaveLength(1);
  });

  it('refuses an address that is not one, as a typed error of the contract', async () => {
    const reply = await service.client.invoke('accounts.discover', { email: 'not an address' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});

describe('accounts.verify: settings as the person edited them', () => {
  const alice = () => user('alice');
  const smtp = () => ({ protocol: 'smtp' as const, host: testbed().smtp.host, port: testbed().smtp.submissionPort, security: 'starttls' as const, username: alice().email });

  it('checks POP3 with STLS on 110 and SMTP submission with STARTTLS on 587', async () => {
    const bed = testbed();
    const checks = await invoke('accounts.verify', {
      email: alice().email,
      password: alice().password,
      incoming: { protocol: 'pop3', host: bed.pop3.host, port: bed.pop3.starttlsPort, security: 'starttls', username: alice().email },
      outgoing: smtp(),
    });
    expect(checks.incoming).toEqual({ protocol: 'pop3', host: bed.pop3.host, port: bed.pop3.starttlsPort, outcome: 'ok' });
    expect(checks.outgoing).toMatchObject({ outcome: 'ok' });
  });

  it('maps each failure to what a person can act on: host not found, connection refused, timeout', async () => {
    const closed = await freePort();
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const checks = await invoke('accounts.verify', {
        email: alice().email,
        password: alice().password,
        incoming: { protocol: 'imap', host: 'imap.nowhere.test', port: 993, security: 'tls', username: alice().email },
        outgoing: { ...smtp(), host: '127.0.0.1', port: closed },
      });
      expect(checks.incoming).toMatchObject({ outcome: 'failed', error: { code: 'HOST_NOT_FOUND', message: expect.stringContaining('imap.nowhere.test') } });
      expect(checks.outgoing).toMatchObject({ outcome: 'failed', error: { code: 'CONNECTION_REFUSED', details: { host: '127.0.0.1', port: String(closed) } } });

      const port = (silent.address() as AddressInfo).port;
      const timedOut = await invoke('accounts.verify', {
        email: alice().email,
        password: alice().password,
        incoming: { protocol: 'pop3', host: '127.0.0.1', port, security: 'tls', username: alice().email },
        outgoing: { ...smtp(), host: '127.0.0.1', port },
      });
      expect(timedOut.incoming).toMatchObject({ outcome: 'failed', error: { code: 'TIMEOUT' } });
      expect(timedOut.outgoing).toMatchObject({ outcome: 'failed', error: { code: 'TIMEOUT' } });
    } finally {
      silent.close();
    }
  });

  it('stops at an untrusted certificate and shows its facts (subject, issuer, dates, SHA-256 fingerprint) for the person to judge', async () => {
    const certificate = selfSignedCertificate('imap.untrusted.test');
    const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (socket) => {
      socket.on('error', () => {});
      socket.write('* OK IMAP4rev1 ready\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const checks = await invoke('accounts.verify', {
        email: alice().email,
        password: alice().password,
        incoming: { protocol: 'imap', host: '127.0.0.1', port, security: 'tls', username: alice().email },
        outgoing: smtp(),
      });
      expect(checks.incoming).toMatchObject({
        outcome: 'failed',
        error: {
          code: 'TLS_UNTRUSTED',
          details: { protocol: 'imap', fingerprint256: certificate.fingerprint256, subject: certificate.subject, issuer: certificate.issuer, validFrom: expect.any(String), validTo: expect.any(String) },
        },
      });
    } finally {
      server.close();
    }
  });

  it('does not send the password to a server without encryption, nor to one that takes OAuth2 only', async () => {
    const checks = await invoke('accounts.verify', {
      email: alice().email,
      password: alice().password,
      incoming: { protocol: 'imap', host: testbed().imap.host, port: 993, security: 'tls', username: alice().email, authentication: ['OAuth2'] },
      outgoing: { ...smtp(), security: 'none' },
    });
    expect(checks.incoming).toMatchObject({ outcome: 'skipped', error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('OAuth2') } });
    expect(checks.outgoing).toMatchObject({ outcome: 'skipped', error: { code: 'TLS_REQUIRED' } });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
