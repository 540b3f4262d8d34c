import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { passwordKey, tokenKey, type SecretStore } from '../../../../main/accounts/secret-store.js';
import { readTokenSet, saveTokenSet } from '../../../../main/accounts/oauth/token-set.js';
import { imapOptions } from '../../../../main/imap/connect.js';
import { xoauth2Response } from '../../../../main/pop3/commands/auth-xoauth2.js';
import { pop3CredentialsOf, pop3SettingsOf } from '../../../../main/pop3/pop3-account.js';
import { Pop3Client } from '../../../../main/pop3/pop3-client.js';
import { smtpTransportOptions } from '../../../../main/smtp/transport-options.js';
import type { Account } from '../../../../shared/schemas.js';
import { newProfile, sendAndSettle, value } from '../../../support/accounts.js';
import { servicesAndFakeSmtp } from '../../../support/fake-smtp.js';
import { fakeBrowser, startFakeOAuth, type FakeOAuth } from '../../../support/fake-oauth-server.js';
import { ordinary, startFakePop3, type FakePop3 } from '../../pop3/fake-pop3-server.js';

const { service, fakeSmtp } = servicesAndFakeSmtp();
const others: (FakeOAuth | FakePop3)[] = [];
afterEach(async () => {
  await Promise.all(others.splice(0).map((s) => s.close()));
});

/** A service whose OAuth configuration names the fake provider for 127.0.0.1, with a fake browser. */
async function setUp() {
  const oauth = await startFakeOAuth(['127.0.0.1']);
  others.push(oauth);
  const browser = fakeBrowser();
  const profile = Object.assign(newProfile(), { oauth: { providers: [oauth.provider], signInTimeoutMs: 5_000 }, openExternal: browser.openExternal });
  // The SMTP server accepts only the newest access token the provider issued.
  const smtp = await fakeSmtp({ checkAuth: (auth) => (auth.method === 'XOAUTH2' && auth.accessToken === oauth.issued.at(-1) ? { ok: true } : { ok: false }) });
  const app = service({}, profile);
  const { password: _none, ...base } = smtp.account();
  const add = () => app.client.invoke('accounts.add', { ...base, auth: 'oauth2' });
  return { oauth, browser, profile, smtp, app, add };
}

/** As if time had passed: the kept token has a minute left. */
async function expireSoon(secrets: SecretStore, accountId: string): Promise<void> {
  const tokens = (await readTokenSet(secrets, accountId))!;
  await saveTokenSet(secrets, accountId, { ...tokens, issuedAt: Date.now() - 3_540_000, expiresAt: Date.now() + 60_000 });
}

const MESSAGE = { to: ['bob@example.test'], subject: 'oauth', text: 'x' };

describe('an account that signs in with the browser (OAuth 2.0, XOAUTH2)', () => {
  it('is added after the browser sign-in, keeps its tokens in the SecretStore only, and sends with XOAUTH2', async () => {
    const { oauth, browser, profile, smtp, app, add } = await setUp();
    const account = value(await add());
    expect(browser.opened).toHaveLength(1);
    expect(account).toMatchObject({
      auth: 'oauth2',
      oauth2: { provider: 'fake', name: 'Fake Mail', tokenEndpoint: oauth.provider.tokenEndpoint, scopes: ['mail', 'offline_access'] },
    });
    expect(await profile.secrets.get(passwordKey(account.id))).toBeUndefined();
    expect(JSON.parse((await profile.secrets.get(tokenKey(account.id)))!)).toMatchObject({ accessToken: oauth.issued[0] });

    const item = await sendAndSettle(app, { accountId: account.id, ...MESSAGE });
    expect(item.state).toBe('sent');
    expect(smtp.auths).toEqual([{ method: 'XOAUTH2', username: 'alice@example.test', accessToken: oauth.issued[0], password: undefined }]);
  });

  it('refreshes a token about to expire before connecting', async () => {
    const { oauth, smtp, app, add, profile } = await setUp();
    const account = value(await add());
    await expireSoon(profile.secrets, account.id);
    const item = await sendAndSettle(app, { accountId: account.id, ...MESSAGE });
    expect(item.state).toBe('sent');
    expect(oauth.tokenRequests.map((r) => r.grant_type)).toEqual(['authorization_code', 'refresh_token']);
    expect(smtp.auths.map((a) => a.accessToken)).toEqual([oauth.issued[1]]);
  });

  it('a token the server refuses (AUTH failed, though not expired) is refreshed, and the message goes with the new one', async () => {
    const { oauth, smtp, app, add } = await setUp();
    const account = value(await add());
    // The server now wants a newer token than ours (revoked, or rotated by the provider).
    oauth.issued.push('token-the-app-never-saw');
    const item = await sendAndSettle(app, { accountId: account.id, ...MESSAGE });
    expect(item.state).toBe('sent');
    expect(smtp.auths.map((a) => a.accessToken)).toEqual([oauth.issued[0], oauth.issued[2]]);
    expect(oauth.tokenRequests.map((r) => r.grant_type)).toEqual(['authorization_code', 'refresh_token']);
  });

  it('asks to sign in again when the provider withdrew the sign-in, and accounts.signIn puts it right', async () => {
    const { oauth, app, add, profile } = await setUp();
    const account = value(await add());
    oauth.revoked.add(JSON.parse((await profile.secrets.get(tokenKey(account.id)))!).refreshToken);
    await expireSoon(profile.secrets, account.id);
    const refused = await app.client.invoke('mail.send', { accountId: account.id, ...MESSAGE });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', details: { signInRequired: 'true', accountId: account.id } } });
    expect(value(await app.client.invoke('accounts.signIn', { accountId: account.id }))).toEqual({ signedIn: true });
    const again = await sendAndSettle(app, { accountId: account.id, ...MESSAGE });
    expect(again.state).toBe('sent');
  });

  it('a denied consent adds nothing; no password is asked of an OAuth account, and one is refused', async () => {
    const { oauth, app, add } = await setUp();
    oauth.consent = 'deny';
    const reply = await add();
    expect(reply).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    expect(value(await app.client.invoke('accounts.list', {}))).toEqual([]);
    oauth.consent = 'approve';
    const account = value(await add());
    expect(await app.client.invoke('accounts.setPassword', { accountId: account.id, password: 'pw' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const { password: _p, ...noPassword } = { ...account, password: undefined };
    expect(await app.client.invoke('accounts.add', { name: noPassword.name, email: noPassword.email, imap: account.imap, smtp: account.smtp })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
  });

  it('never writes a token to the settings, the outbox folder or the log', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const before = process.env.MUA_LOG;
    delete process.env.MUA_LOG;
    try {
      const { oauth, app, add, profile } = await setUp();
      const account = value(await add());
      await expireSoon(profile.secrets, account.id);
      await sendAndSettle(app, { accountId: account.id, ...MESSAGE });
      const kept = JSON.parse((await profile.secrets.get(tokenKey(account.id)))!) as { refreshToken: string };
      const secrets = [...oauth.issued, kept.refreshToken, ...oauth.tokenRequests.flatMap((r) => [r.code, r.code_verifier, r.refresh_token].filter((v): v is string => !!v))];
      const settingsText = JSON.stringify(value(await app.client.invoke('accounts.list', {})));
      const files = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? files(path) : [readFileSync(path, 'latin1')];
        });
      const haystack = [settingsText, written.join(''), ...files(profile.outboxDir)].join('\n');
      for (const secret of secrets) expect(haystack).not.toContain(secret);
    } finally {
      process.env.MUA_LOG = before;
      spy.mockRestore();
    }
  });
});

describe('XOAUTH2 on each protocol for an OAuth account', () => {
  const account: Account = {
    id: 'acc_oauth_sasl',
    name: 'Dana',
    email: 'dana@example.test',
    auth: 'oauth2',
    oauth2: { provider: 'fake', name: 'Fake', authorizationEndpoint: 'https://id.example.test/a', tokenEndpoint: 'https://id.example.test/t', scopes: ['mail'] },
    imap: { host: 'imap.example.test', port: 993, security: 'tls' },
    smtp: { host: 'smtp.example.test', port: 465, security: 'tls', authMethod: 'auto' },
    sentCopy: 'append',
  };

  it('POP3 sends AUTH XOAUTH2 with user and bearer token, whatever the POP3 method setting', async () => {
    const base = ordinary(['UIDL', 'SASL PLAIN XOAUTH2', 'USER']);
    const server = await startFakePop3({ answer: (line, session) => (line.startsWith('AUTH XOAUTH2 ') ? '+OK signed in' : base(line, session)) });
    others.push(server);
    const pop3Account = { ...account, imap: undefined, incoming: 'pop3' as const, pop3: { host: server.host, port: server.port, security: 'none' as const, leaveOnServer: true, deleteWhenDeletedLocally: false } };
    const client = await Pop3Client.connect(pop3SettingsOf(pop3Account), pop3CredentialsOf(pop3Account, 'ya29.pop-token'), { timeouts: { connectMs: 2_000, greetingMs: 2_000, readMs: 2_000 } });
    await client.quit();
    const response = xoauth2Response('dana@example.test', 'ya29.pop-token');
    expect(server.received.slice(0, 2)).toEqual(['CAPA', `AUTH XOAUTH2 ${response}`]);
    expect(Buffer.from(response, 'base64').toString()).toBe('user=dana@example.test\x01auth=Bearer ya29.pop-token\x01\x01');
    expect(server.received.some((l) => /^(USER|PASS|AUTH PLAIN)/.test(l))).toBe(false);
  });

  it('IMAP logs in with the access token (imapflow’s XOAUTH2/OAUTHBEARER), SMTP with nodemailer’s OAuth2', () => {
    expect(imapOptions(account, 'ya29.imap').auth).toEqual({ user: 'dana@example.test', accessToken: 'ya29.imap' });
    expect(smtpTransportOptions(account, 'ya29.smtp').auth).toEqual({ type: 'OAuth2', user: 'dana@example.test', accessToken: 'ya29.smtp' });
    const passwordAccount = { ...account, auth: undefined, oauth2: undefined };
    expect(imapOptions(passwordAccount, 'pw').auth).toEqual({ user: 'dana@example.test', pass: 'pw' });
  });
});
