import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverServers } from '../../../../main/accounts/autoconfig/discover-servers.js';
import type { DiscoveryOptions } from '../../../../main/accounts/autoconfig/discovery-options.js';
import { certificateAuthority, issue } from '../../../support/certificates.js';
import { startLineServer, type LineServer } from '../../../support/fake-line-server.js';
import { testbed } from '../../../support/testbed.js';
import { BILLION_LAUGHS, configXml, type ServerSpec } from './support/config-files.js';
import { startLoopbackDns, type LoopbackDns, type ZoneEntry } from './support/loopback-dns.js';
import { startLoopbackHttps, type LoopbackHttps } from './support/loopback-https.js';

/** This file's own loopback address: the one HTTPS listener every web name below points to. */
const WEB = '127.66.0.1';
const ISPDB = 'https://ispdb.test';
const ca = certificateAuthority('Mua Discovery Test CA');
const DOMAINS = ['provider', 'wellknown', 'ispdb-only', 'hosted', 'priority', 'fallback', 'slow', 'hang', 'hostile', 'redirect', 'server-error'].map(
  (d) => `${d}.test`,
);
// autoconfig.untrusted.test resolves here too but is missing from the certificate on purpose.
const certificate = issue(ca, 'ispdb.test', ['ispdb.test', ...DOMAINS.flatMap((d) => [d, `autoconfig.${d}`])].map((n) => `DNS:${n}`).join(','));

const servers = (name: string, prefix = name): ServerSpec[] => [
  { type: 'imap', host: `imap.${prefix}`, port: 993, socketType: 'SSL' },
  { type: 'smtp', host: `smtp.${prefix}`, port: 465, socketType: 'SSL' },
];

let web: LoopbackHttps;
let dns: LoopbackDns;

function zone(entries: Record<string, ZoneEntry>): void {
  for (const [name, entry] of Object.entries(entries)) dns.zone.set(name, entry);
}

function page(url: string, body: string | { status?: number; body?: string; delayMs?: number; hang?: boolean; headers?: Record<string, string> }): void {
  const { host, pathname } = new URL(url);
  web.pages.set(`${host}${pathname}`, typeof body === 'string' ? { body } : body);
}

function options(overrides: Partial<DiscoveryOptions> = {}): DiscoveryOptions {
  return { ispdbBaseUrl: ISPDB, dnsServers: dns.servers, ca: [ca.cert], timeoutMs: 8000, probeTimeoutMs: 3000, ...overrides };
}

beforeAll(async () => {
  web = await startLoopbackHttps(WEB, certificate);
  dns = await startLoopbackDns({ 'ispdb.test': { a: [WEB] } });
  for (const domain of [...DOMAINS, 'untrusted.test']) zone({ [domain]: { a: [WEB] }, [`autoconfig.${domain}`]: { a: [WEB] } });
});

afterAll(async () => {
  await web?.close();
  await dns?.close();
});

beforeEach(() => {
  web.requests.length = 0;
  dns.questions.length = 0;
});

describe('each source on its own', () => {
  it('(1) takes the provider’s file from autoconfig.<domain>, login names filled in for the address', async () => {
    page('https://autoconfig.provider.test/mail/config-v1.1.xml', configXml('Provider Mail', [
      { type: 'imap', host: 'imap.provider.test', port: 993, socketType: 'SSL', username: '%EMAILLOCALPART%' },
      { type: 'pop3', host: 'pop.provider.test', port: 995, socketType: 'SSL', pop3: '<pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3>\n' },
      { type: 'smtp', host: 'smtp.provider.test', port: 587, socketType: 'STARTTLS', username: '%EMAILADDRESS%' },
    ]));
    const found = await discoverServers('bob@provider.test', options());
    const where = 'https://autoconfig.provider.test/mail/config-v1.1.xml';
    expect(found.source).toEqual({ kind: 'provider', where });
    expect(found.displayName).toBe('Provider Mail');
    expect(found.incoming).toEqual([
      { protocol: 'imap', host: 'imap.provider.test', port: 993, security: 'tls', authentication: ['password-cleartext'], username: 'bob', source: { kind: 'provider', where } },
      {
        protocol: 'pop3', host: 'pop.provider.test', port: 995, security: 'tls', authentication: ['password-cleartext'], username: 'bob@provider.test',
        pop3: { leaveMessagesOnServer: true }, source: { kind: 'provider', where },
      },
    ]);
    expect(found.outgoing).toEqual([
      { protocol: 'smtp', host: 'smtp.provider.test', port: 587, security: 'starttls', authentication: ['password-cleartext'], username: 'bob@provider.test', source: { kind: 'provider', where } },
    ]);
    expect(found.attempts[0]).toEqual({ kind: 'provider', where, outcome: 'found' });
  });

  it('(1) takes the provider’s file from <domain>/.well-known when autoconfig.<domain> has none', async () => {
    page('https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml', configXml('Well Known', servers('wellknown.test')));
    const found = await discoverServers('bob@wellknown.test', options());
    expect(found.source).toEqual({ kind: 'provider', where: 'https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml' });
    expect(found.attempts.slice(0, 2).map((a) => a.outcome)).toEqual(['not-found', 'found']);
    expect(found.incoming[0]?.host).toBe('imap.wellknown.test');
  });

  it('(2) asks the ISPDB at MAIL_ISPDB_URL/v1.1/<domain>', async () => {
    page(`${ISPDB}/v1.1/ispdb-only.test`, configXml('From the ISPDB', servers('ispdb-only.test')));
    const found = await discoverServers('bob@ispdb-only.test', options());
    expect(found.source).toEqual({ kind: 'ispdb', where: 'https://ispdb.test/v1.1/ispdb-only.test' });
    expect(found.outgoing[0]).toMatchObject({ host: 'smtp.ispdb-only.test', source: { kind: 'ispdb' } });
  });

  it('(3) asks the ISPDB for the domain of the address’s MX host (a hosted domain)', async () => {
    zone({ 'hosted.test': { a: [WEB], mx: [{ exchange: 'mx2.backup.test', preference: 20 }, { exchange: 'mx1.eu.mailhost.test', preference: 5 }] } });
    page(`${ISPDB}/v1.1/mailhost.test`, configXml('Mail Host', servers('hosted.test', 'mailhost.test')));
    const found = await discoverServers('carol@hosted.test', options());
    expect(found.source).toEqual({ kind: 'ispdb-mx', where: 'https://ispdb.test/v1.1/mailhost.test' });
    expect(found.incoming[0]).toMatchObject({ host: 'imap.mailhost.test', username: 'carol@hosted.test' });
    expect(dns.questions).toContain('MX hosted.test');
    expect(web.requests).not.toContain('ispdb.test/v1.1/backup.test');
  });

  it('(4) reads RFC 6186 SRV records: by priority, implicit TLS first on a tie, "." meaning not offered', async () => {
    zone({
      '_imaps._tcp.srv.test': { srv: [{ target: 'imap.srv.test', port: 993, priority: 10 }] },
      '_imap._tcp.srv.test': { srv: [{ target: 'imap.srv.test', port: 143, priority: 10 }] },
      '_pop3s._tcp.srv.test': { srv: [{ target: 'pop.srv.test', port: 995, priority: 5 }] },
      '_pop3._tcp.srv.test': { srv: [{ target: '.', port: 0 }] },
      '_submission._tcp.srv.test': { srv: [{ target: 'smtp.srv.test', port: 587, priority: 0 }] },
    });
    const found = await discoverServers('dave@srv.test', options());
    expect(found.source).toEqual({ kind: 'srv', where: 'SRV records of srv.test' });
    expect(found.incoming.map((s) => `${s.protocol} ${s.host}:${s.port} ${s.security}`)).toEqual([
      'pop3 pop.srv.test:995 tls',
      'imap imap.srv.test:993 tls',
      'imap imap.srv.test:143 starttls',
    ]);
    expect(found.outgoing).toEqual([
      {
        protocol: 'smtp', host: 'smtp.srv.test', port: 587, security: 'starttls', authentication: ['password-cleartext'], username: 'dave@srv.test',
        source: { kind: 'srv', where: '_submission._tcp.srv.test' },
      },
    ]);
  });

  it('(5) guesses imap., pop3., smtp. of the domain and probes the standard ports of the real test bed, TLS first', async () => {
    const bed = testbed();
    zone({ 'imap.guess.test': { a: [bed.imap.host] }, 'pop3.guess.test': { a: [bed.pop3.host] }, 'smtp.guess.test': { a: [bed.smtp.host] } });
    const found = await discoverServers('alice@guess.test', options());
    expect(found.source?.kind).toBe('guess');
    expect(found.incoming.map((s) => `${s.protocol} ${s.host}:${s.port} ${s.security}`)).toEqual([
      `imap imap.guess.test:${bed.imap.tlsPort} tls`,
      `imap imap.guess.test:${bed.imap.starttlsPort} starttls`,
      `pop3 pop3.guess.test:${bed.pop3.tlsPort} tls`,
      `pop3 pop3.guess.test:${bed.pop3.starttlsPort} starttls`,
    ]);
    expect(found.outgoing.map((s) => `${s.host}:${s.port} ${s.security}`)).toEqual([`smtp.guess.test:${bed.smtp.tlsPort} tls`, `smtp.guess.test:${bed.smtp.submissionPort} starttls`]);
    expect(found.incoming[0]).toMatchObject({ username: 'alice@guess.test', source: { kind: 'guess', where: `imap.guess.test:${bed.imap.tlsPort}` } });
  });

  describe('(5) guessing against scripted listeners', () => {
    let imapWithoutStartTls: LineServer;
    let pop3WithStls: LineServer;
    let smtpWithStartTls: LineServer;
    let notMail: LineServer;
    beforeAll(async () => {
      imapWithoutStartTls = await startLineServer('* OK IMAP4rev1 ready', (line) => {
        const tag = line.split(' ')[0];
        return /CAPABILITY/i.test(line) ? `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done` : `${tag} OK bye`;
      });
      pop3WithStls = await startLineServer('+OK POP3 ready', (line) => (line === 'CAPA' ? '+OK\r\nUSER\r\nSTLS\r\n.' : '+OK bye'));
      smtpWithStartTls = await startLineServer('220 smtp.fakes.test ESMTP', (line) => (/^EHLO/.test(line) ? '250-smtp.fakes.test\r\n250-STARTTLS\r\n250 AUTH PLAIN' : '221 bye'));
      notMail = await startLineServer('SSH-2.0-OpenSSH_9.2', () => undefined);
    });
    afterAll(async () => {
      for (const server of [imapWithoutStartTls, pop3WithStls, smtpWithStartTls, notMail]) await server?.close();
    });

    it('suggests only servers that answer as mail servers and offer STARTTLS; nothing in the clear, nothing that is not mail', async () => {
      zone({ 'imap.fakes.test': { a: ['127.0.0.1'] }, 'pop3.fakes.test': { a: ['127.0.0.1'] }, 'smtp.fakes.test': { a: ['127.0.0.1'] } });
      const found = await discoverServers('erin@fakes.test', options({
        guessPorts: {
          imap: { tls: 1, starttls: imapWithoutStartTls.port },
          pop3: { tls: notMail.port, starttls: pop3WithStls.port },
          smtp: { tls: 1, starttls: smtpWithStartTls.port },
        },
      }));
      expect(found.incoming.map((s) => `${s.protocol}:${s.port}:${s.security}`)).toEqual([`pop3:${pop3WithStls.port}:starttls`]);
      expect(found.outgoing.map((s) => `${s.protocol}:${s.port}:${s.security}`)).toEqual([`smtp:${smtpWithStartTls.port}:starttls`]);
      // The probes asked for capabilities and nothing else: no login, no password.
      for (const line of [...imapWithoutStartTls.received, ...pop3WithStls.received, ...smtpWithStartTls.received]) {
        expect(line).toMatch(/^(A1 CAPABILITY|A2 LOGOUT|CAPA|QUIT|EHLO fakes\.test)$/);
      }
    });
  });

  it('finds nothing for a domain that has nothing, and says so for every source rather than failing', async () => {
    const found = await discoverServers('frank@nothing.test', options());
    expect(found).toMatchObject({ source: null, incoming: [], outgoing: [] });
    expect(found.attempts.map((a) => `${a.kind} ${a.outcome}`)).toEqual([
      'provider not-found',
      'provider not-found',
      'ispdb not-found',
      'ispdb-mx not-found',
      'srv not-found',
      'guess not-found',
    ]);
  });
});

describe('priorities when several answer', () => {
  it('the provider’s file wins over the ISPDB and SRV records, which are then not needed', async () => {
    page('https://autoconfig.priority.test/mail/config-v1.1.xml', configXml('Own', servers('priority.test', 'own.priority.test')));
    page(`${ISPDB}/v1.1/priority.test`, configXml('ISPDB', servers('priority.test', 'ispdb.priority.test')));
    zone({ '_imaps._tcp.priority.test': { srv: [{ target: 'srv.priority.test', port: 993 }] }, '_submission._tcp.priority.test': { srv: [{ target: 'srv.priority.test', port: 587 }] } });
    const found = await discoverServers('bob@priority.test', options());
    expect(found.source?.kind).toBe('provider');
    expect(found.incoming.map((s) => s.host)).toEqual(['imap.own.priority.test']);
  });

  it('waits for a slow higher source rather than taking a faster lower one', async () => {
    page('https://autoconfig.slow.test/mail/config-v1.1.xml', { body: configXml('Slow', servers('slow.test')), delayMs: 1500 });
    page(`${ISPDB}/v1.1/slow.test`, configXml('Fast', servers('slow.test', 'fast.slow.test')));
    const found = await discoverServers('bob@slow.test', options());
    expect(found.source?.kind).toBe('provider');
    expect(found.displayName).toBe('Slow');
  });

  it('uses a lower source when the higher ones fail: a server error, a redirect (never followed), an untrusted certificate', async () => {
    page('https://autoconfig.server-error.test/mail/config-v1.1.xml', { status: 500, body: 'oops' });
    page('https://server-error.test/.well-known/autoconfig/mail/config-v1.1.xml', { status: 302, headers: { location: 'https://evil.test/config.xml' } });
    page(`${ISPDB}/v1.1/server-error.test`, configXml('ISPDB', servers('server-error.test')));
    const found = await discoverServers('bob@server-error.test', options());
    expect(found.source?.kind).toBe('ispdb');
    expect(found.attempts[0]).toMatchObject({ outcome: 'failed', error: { code: 'SERVER_ERROR', message: expect.stringContaining('HTTP 500') } });
    expect(found.attempts[1]).toMatchObject({ outcome: 'failed', error: { code: 'SERVER_ERROR', message: expect.stringContaining('redirect, which is not followed') } });
    expect(web.requests.some((r) => r.startsWith('evil.test'))).toBe(false);

    page('https://autoconfig.untrusted.test/mail/config-v1.1.xml', configXml('Not this one', servers('untrusted.test')));
    page(`${ISPDB}/v1.1/untrusted.test`, configXml('ISPDB', servers('untrusted.test', 'ispdb.untrusted.test')));
    const untrusted = await discoverServers('bob@untrusted.test', options());
    expect(untrusted.attempts[0]).toMatchObject({ outcome: 'failed', error: { code: 'TLS_UNTRUSTED', details: { reason: 'hostname-mismatch' } } });
    expect(untrusted.incoming[0]?.host).toBe('imap.ispdb.untrusted.test');
  });

  it('a hostile or oversized file fails its source with a typed error, nothing expanded, and the next source is used', async () => {
    page('https://autoconfig.hostile.test/mail/config-v1.1.xml', BILLION_LAUGHS);
    page('https://hostile.test/.well-known/autoconfig/mail/config-v1.1.xml', `<clientConfig>${'<x/>'.repeat(200_000)}</clientConfig>`);
    page(`${ISPDB}/v1.1/hostile.test`, configXml('Safe', servers('hostile.test')));
    const found = await discoverServers('bob@hostile.test', options());
    expect(found.attempts[0]).toMatchObject({ outcome: 'failed', error: { code: 'SERVER_ERROR', details: { autoconfig: 'doctype' } } });
    expect(found.attempts[1]).toMatchObject({ outcome: 'failed', error: { code: 'SERVER_ERROR', details: { autoconfig: 'too-large' } } });
    expect(found.source?.kind).toBe('ispdb');
    expect(found.displayName).toBe('Safe');
  });

  it('an answer with no outgoing server does not win over a complete one below it, but is used when nothing better comes', async () => {
    const incomingOnly = configXml('Half', [servers('fallback.test')[0]!]);
    page('https://autoconfig.fallback.test/mail/config-v1.1.xml', incomingOnly);
    page(`${ISPDB}/v1.1/fallback.test`, configXml('Whole', servers('fallback.test')));
    const found = await discoverServers('bob@fallback.test', options());
    expect(found.source?.kind).toBe('ispdb');
    expect(found.attempts[0]?.outcome).toBe('incomplete');

    web.pages.delete('ispdb.test/v1.1/fallback.test');
    const half = await discoverServers('bob@fallback.test', options());
    expect(half.source?.kind).toBe('provider');
    expect(half.incoming).toHaveLength(1);
    expect(half.outgoing).toEqual([]);
  });
});

describe('one overall timeout', () => {
  it('takes the best answer in hand when time is up, marks the silent higher source timed out and stops waiting for it', async () => {
    page('https://autoconfig.hang.test/mail/config-v1.1.xml', { hang: true });
    page(`${ISPDB}/v1.1/hang.test`, configXml('In time', servers('hang.test')));
    const started = Date.now();
    const found = await discoverServers('bob@hang.test', options({ timeoutMs: 1500 }));
    const took = Date.now() - started;
    expect(found.source?.kind).toBe('ispdb');
    expect(found.attempts[0]).toMatchObject({ kind: 'provider', outcome: 'timed-out' });
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(3000);
  });

  it('ends with nothing found, on time, when every source is silent (a DNS server that never answers)', async () => {
    zone({ 'silent.test': { silent: true }, 'autoconfig.silent.test': { silent: true }, 'ispdb.silent.test': { silent: true } });
    for (const name of ['_imaps._tcp', '_imap._tcp', '_pop3s._tcp', '_pop3._tcp', '_submissions._tcp', '_submission._tcp', 'imap', 'pop3', 'smtp', 'mail']) {
      zone({ [`${name}.silent.test`]: { silent: true } });
    }
    const started = Date.now();
    const found = await discoverServers('bob@silent.test', options({ timeoutMs: 1000, ispdbBaseUrl: 'https://ispdb.silent.test' }));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(found).toMatchObject({ source: null, incoming: [], outgoing: [] });
    expect(found.attempts.every((a) => a.outcome === 'timed-out')).toBe(true);
  });
});

describe('DNS', () => {
  it('never asks the system’s resolver: every host name discovery touched was asked of the test DNS server', async () => {
    page(`${ISPDB}/v1.1/ispdb-only.test`, configXml('From the ISPDB', servers('ispdb-only.test')));
    await discoverServers('bob@ispdb-only.test', options());
    expect(dns.questions).toEqual(expect.arrayContaining(['A autoconfig.ispdb-only.test', 'A ispdb-only.test', 'A ispdb.test', 'MX ispdb-only.test']));
  });
});
