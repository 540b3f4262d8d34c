import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDomain } from '../../../../main/accounts/domain/check-domain.js';
import { createMailService } from '../../../../main/service.js';
import { newProfile, value } from '../../../support/accounts.js';
import { startLoopbackDns, type LoopbackDns } from '../autoconfig/support/loopback-dns.js';

/**
 * The SPF and DMARC check after setup, against the loopback DNS server only (as MAIL_DNS_SERVERS
 * would point it): nothing reaches the system's resolver.
 */
let dns: LoopbackDns;

beforeAll(async () => {
  dns = await startLoopbackDns({
    'smtp.good.test': { a: ['192.0.2.10'], aaaa: ['2001:db8::10'] },
    'smtp.other.test': { a: ['198.51.100.7'] },
    // ip4 + ip6 directly.
    'good.test': { txt: ['v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all', 'some-other=verification'] },
    '_dmarc.good.test': { txt: ['v=DMARC1; p=reject; rua=mailto:d@good.test'] },
    // include: + a: + mx:, ending in ~all.
    'inc.test': { txt: ['v=spf1 include:_spf.provider.test mx ~all'], mx: [{ exchange: 'mx.inc.test' }] },
    'mx.inc.test': { a: ['203.0.113.5'] },
    '_spf.provider.test': { txt: ['v=spf1 a:smtp.good.test -all'] },
    '_dmarc.inc.test': { txt: ['v=DMARC1; p=quarantine'] },
    // No SPF, no DMARC.
    'bare.test': { a: ['192.0.2.99'] },
    // A loop of includes: beyond the 10-lookup limit is a permerror, never a hang.
    'loop.test': { txt: ['v=spf1 include:loop.test -all'] },
    // A subdomain under an organizational domain's DMARC record, with its sp=.
    'mail.org-domain.com': { txt: ['v=spf1 ?all'] },
    '_dmarc.org-domain.com': { txt: ['v=DMARC1; p=reject; sp=none'] },
    // A DNS server that never answers about this one.
    'slow.test': { silent: true },
    '_dmarc.slow.test': { silent: true },
    'smtp.slow.test': { a: ['192.0.2.1'] },
  });
});
afterAll(() => dns.close());

const check = (sender: string, smtpHost: string, timeoutMs?: number) =>
  checkDomain(sender, smtpHost, { dnsServers: dns.servers, dnsTimeoutMs: 300, ...(timeoutMs ? { timeoutMs } : {}) });

describe('the sender domain check (SPF and DMARC)', () => {
  it('passes when the SPF record authorizes every SMTP address (ip4, ip6), and reads p=reject', async () => {
    const result = await check('alice@good.test', 'smtp.good.test');
    expect(result.addresses.sort()).toEqual(['192.0.2.10', '2001:db8::10']);
    expect(result.spf.result).toBe('pass');
    expect(result.spf.record).toBe('v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all');
    expect(result.spf.explanation).toMatch(/good\.test lists smtp\.good\.test as allowed/);
    expect(result.dmarc).toMatchObject({ policy: 'reject', fromOrganizationalDomain: false });
    expect(result.dmarc.explanation).toMatch(/refuse/);
    expect(result.error).toBeUndefined();
  });

  it('follows include, a and mx; a server not listed soft-fails', async () => {
    expect((await check('bob@inc.test', 'smtp.good.test')).spf.byAddress).toEqual([
      { address: '192.0.2.10', result: 'pass' },
      // a: matches the host's AAAA records for an IPv6 address.
      { address: '2001:db8::10', result: 'pass' },
    ]);
    const other = await check('bob@inc.test', 'smtp.other.test');
    expect(other.spf.result).toBe('softfail');
    expect(other.spf.explanation).toMatch(/probably not allowed/);
    expect(other.dmarc.policy).toBe('quarantine');
  });

  it('says so plainly when the domain publishes neither SPF nor DMARC', async () => {
    const result = await check('carol@bare.test', 'smtp.other.test');
    expect(result.spf.result).toBe('none');
    expect(result.spf.explanation).toMatch(/publishes no SPF record/);
    expect(result.dmarc.policy).toBeNull();
    expect(result.dmarc.explanation).toMatch(/no DMARC policy/);
  });

  it('stops an include loop at the lookup limit (permerror)', async () => {
    const result = await check('dan@loop.test', 'smtp.other.test');
    expect(result.spf.result).toBe('permerror');
    expect(result.spf.explanation).toMatch(/broken/);
  });

  it('uses the organizational domain’s DMARC record, and its sp= for a subdomain', async () => {
    const result = await check('eve@mail.org-domain.com', 'smtp.other.test');
    expect(result.spf.result).toBe('neutral');
    expect(result.dmarc).toMatchObject({ policy: 'none', fromOrganizationalDomain: true, record: 'v=DMARC1; p=reject; sp=none' });
  });

  it('never throws: a DNS server that does not answer gives temperror and a typed error, in time', async () => {
    const started = Date.now();
    const result = await check('frank@slow.test', 'smtp.slow.test', 3000);
    expect(result.spf.result).toBe('temperror');
    expect(result.spf.explanation).toMatch(/try again later/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a host that does not exist as a typed error, not a throw', async () => {
    const result = await check('alice@good.test', 'nowhere.test');
    expect(result.error?.code).toBe('HOST_NOT_FOUND');
    expect(result.addresses).toEqual([]);
  });
});

describe('accounts.checkDomain', () => {
  it('checks the chosen identity’s domain against the account’s SMTP server, through MAIL_DNS_SERVERS’ resolver', async () => {
    const app = createMailService({ ...newProfile(), discovery: { ispdbBaseUrl: 'http://127.0.0.1:9/', dnsServers: dns.servers }, sync: { idle: false } });
    try {
      const account = value(
        await app.client.invoke('accounts.add', {
          name: 'Bob',
          email: 'bob@bare.test',
          password: 'pw',
          imap: { host: '127.0.0.1', port: 1, security: 'tls' },
          smtp: { host: 'smtp.good.test', port: 465, security: 'tls' },
        }),
      );
      expect(value(await app.client.invoke('accounts.checkDomain', { accountId: account.id })).spf.result).toBe('none');
      const identity = value(await app.client.invoke('identities.add', { accountId: account.id, identity: { name: 'Bob', email: 'bob@good.test' } }));
      const checked = value(await app.client.invoke('accounts.checkDomain', { accountId: account.id, identityId: identity.id }));
      expect(checked).toMatchObject({ domain: 'good.test', smtpHost: 'smtp.good.test', spf: { result: 'pass' }, dmarc: { policy: 'reject' } });
    } finally {
      await app.stop();
    }
  });
});
