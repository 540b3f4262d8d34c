import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountSettings, openSettingsFile } from '../../../main/accounts/settings-store.js';
import { trustCertificate } from '../../../main/accounts/trust-certificate.js';
import type { PeerCertificateInfo, ProbeTarget } from '../../../main/net/peer-certificate.js';
import type { Account } from '../../../shared/schemas.js';
import { selfSignedCertificate } from '../../support/certificates.js';
import { testAccount } from '../../support/test-account.js';

const cert = selfSignedCertificate('mail.example.test');

const account = testAccount();

function seen(overrides: Partial<PeerCertificateInfo> = {}): PeerCertificateInfo {
  return {
    fingerprint256: cert.fingerprint256,
    subject: cert.subject,
    issuer: cert.issuer,
    subjectAltName: 'DNS:mail.example.test',
    validFrom: new Date(Date.now() - 86_400_000).toISOString(),
    validTo: new Date(Date.now() + 86_400_000).toISOString(),
    pem: cert.cert,
    reason: 'self-signed',
    ...overrides,
  };
}

describe('accounts.trustCertificate', () => {
  let dir: string;
  let settings: AccountSettings;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mua-trust-'));
    settings = new AccountSettings(openSettingsFile(dir));
    settings.save(account);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('probes the account’s server the way the account connects, and stores the pin with that server in the settings file', async () => {
    const probed: ProbeTarget[] = [];
    const probe = async (target: ProbeTarget) => (probed.push(target), seen());
    const updated = await trustCertificate(settings, { accountId: account.id, protocol: 'smtp', fingerprint256: cert.fingerprint256 }, probe);
    expect(probed).toEqual([{ protocol: 'smtp', host: 'smtp.example.test', port: 587, security: 'starttls', clientName: 'example.test' }]);
    expect(updated.smtp.pinnedCertificate).toEqual({ host: 'smtp.example.test', fingerprint256: cert.fingerprint256, pem: cert.cert });
    expect(updated.imap?.pinnedCertificate).toBeUndefined();
    const onDisk = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { accounts: Account[] };
    expect(onDisk.accounts[0]?.smtp.pinnedCertificate?.fingerprint256).toBe(cert.fingerprint256);
  });

  it('never carries a certificate shown for one server over to another: with the host the person saw, another host is refused unprobed', async () => {
    // The same certificate answers under both names (one server, two names): still no pin for the other name.
    const probed: ProbeTarget[] = [];
    const probe = async (target: ProbeTarget) => (probed.push(target), seen());
    settings.save({ ...account, imap: { host: 'mail2.example.test', port: 993, security: 'tls' } });
    const error = await trustCertificate(settings, { accountId: account.id, protocol: 'imap', host: 'imap.example.test', fingerprint256: cert.fingerprint256 }, probe).catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { host: 'mail2.example.test', trustedHost: 'imap.example.test', protocol: 'imap' } });
    expect(error.message).toContain('You trusted the certificate of imap.example.test, but this account’s IMAP server is now mail2.example.test, so nothing was trusted.');
    expect(probed).toEqual([]);
    expect(settings.get(account.id)?.imap?.pinnedCertificate).toBeUndefined();
    // The name it was shown for (in any case) is pinned.
    const pinned = await trustCertificate(settings, { accountId: account.id, protocol: 'imap', host: 'MAIL2.example.test', fingerprint256: cert.fingerprint256 }, probe);
    expect(pinned.imap?.pinnedCertificate?.host).toBe('mail2.example.test');
  });

  it('refuses a certificate whose dates make a pin useless, and stores nothing', async () => {
    const expired = seen({ validTo: new Date(Date.now() - 1000).toISOString() });
    const error = await trustCertificate(
      settings,
      { accountId: account.id, protocol: 'imap', fingerprint256: cert.fingerprint256 },
      async () => expired,
    ).catch((e) => e);
    expect(error).toMatchObject({ code: 'TLS_UNTRUSTED', details: { reason: 'expired', fingerprint256: cert.fingerprint256 } });
    expect(settings.get(account.id)?.imap?.pinnedCertificate).toBeUndefined();
  });

  it('has nothing to trust for an account that sends without encryption', async () => {
    settings.save({ ...account, smtp: { host: 'relay.example.test', port: 25, security: 'none' } });
    const error = await trustCertificate(
      settings,
      { accountId: account.id, protocol: 'smtp', fingerprint256: cert.fingerprint256 },
      async () => seen(),
    ).catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('says NOT_FOUND for an account that is gone', async () => {
    const error = await trustCertificate(
      settings,
      { accountId: 'acc_gone_123', protocol: 'smtp', fingerprint256: cert.fingerprint256 },
      async () => seen(),
    ).catch((e) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
