import { afterEach, describe, expect, it } from 'vitest';
import { mergeProviders, loadOAuthProviders } from '../../../../main/accounts/oauth/oauth-config.js';
import { providerForHost } from '../../../../main/accounts/oauth/oauth-provider.js';
import { OAuthTokens, type OAuthAccount } from '../../../../main/accounts/oauth/oauth-tokens.js';
import { readTokenSet, saveTokenSet } from '../../../../main/accounts/oauth/token-set.js';
import { MemorySecretStore, tokenKey } from '../../../../main/accounts/secret-store.js';
import { SafeStorageSecretStore, SECRETS_FILE } from '../../../../main/accounts/safe-storage-secret-store.js';
import { fakeSafeStorage } from '../support/fake-safe-storage.js';
import { AppError } from '../../../../shared/errors.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeBrowser, startFakeOAuth, type FakeOAuth } from '../../../support/fake-oauth-server.js';
import { failure } from '../../../support/app-error.js';

const servers: FakeOAuth[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const MINUTE = 60_000;

/** A signed-in account, its tokens kept, and a clock the test moves. */
async function signedIn(expiresIn = 3600) {
  const server = await startFakeOAuth();
  servers.push(server);
  server.expiresIn = expiresIn;
  const clock = { now: 1_000_000 };
  const secrets = new MemorySecretStore();
  const browser = fakeBrowser();
  const tokens = new OAuthTokens(secrets, { providers: () => [server.provider], openExternal: browser.openExternal, now: () => clock.now, signInTimeoutMs: 5_000 });
  const settings = tokens.settingsFor('127.0.0.1');
  const account: OAuthAccount = { id: 'acc_oauth_1', email: 'alice@example.test', auth: 'oauth2', oauth2: settings };
  await saveTokenSet(secrets, account.id, await tokens.signIn(settings, account.email));
  return { server, clock, secrets, tokens, account };
}

describe('OAuth access tokens for the mail connections', () => {
  it('gives the kept token while it is good, and refreshes it five minutes before it expires', async () => {
    const { server, clock, tokens, account, secrets } = await signedIn(3600);
    expect(await tokens.accessToken(account)).toBe(server.issued[0]);
    clock.now += 54 * MINUTE;
    expect(await tokens.accessToken(account)).toBe(server.issued[0]);
    expect(server.tokenRequests).toHaveLength(1);
    clock.now += 2 * MINUTE; // 4 minutes left: inside the margin.
    expect(await tokens.accessToken(account)).toBe(server.issued[1]);
    expect(server.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token', client_id: 'mua-test-client' });
    const kept = await readTokenSet(secrets, account.id);
    expect(kept).toMatchObject({ accessToken: server.issued[1], expiresAt: clock.now + 3_600_000 });
    expect(kept?.refreshToken).toMatch(/^fake-refresh-/);
  });

  it('refreshes once for many callers at the same moment', async () => {
    const { server, clock, tokens, account } = await signedIn(3600);
    clock.now += 2 * 3_600_000;
    const all = await Promise.all(Array.from({ length: 5 }, () => tokens.accessToken(account)));
    expect(new Set(all)).toEqual(new Set([server.issued[1]]));
    expect(server.tokenRequests.filter((r) => r.grant_type === 'refresh_token')).toHaveLength(1);
  });

  it('refreshes when a server refused the current token (the mail protocols’ 401), not for an older one', async () => {
    const { server, tokens, account } = await signedIn(3600);
    await tokens.tokenRejected(account, server.issued[0]!);
    expect(await tokens.accessToken(account)).toBe(server.issued[1]);
    // A connection that still used the first token fails later: the newer one is kept, no refresh.
    await tokens.tokenRejected(account, server.issued[0]!);
    expect(await tokens.accessToken(account)).toBe(server.issued[1]);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('withAccessToken tries once more with a fresh token after AUTH_FAILED, and only then', async () => {
    const { server, tokens, account } = await signedIn(3600);
    const seen: string[] = [];
    const result = await tokens.withAccessToken(account, server.issued[0]!, async (token) => {
      seen.push(token);
      if (token === server.issued[0]) throw new AppError('AUTH_FAILED', { serverReply: '535 5.7.8 invalid token' });
      return 'sent';
    });
    expect(result).toBe('sent');
    expect(seen).toEqual([server.issued[0], server.issued[1]]);

    const other = await failure(
      tokens.withAccessToken(account, server.issued[1]!, async () => {
        throw new AppError('TIMEOUT');
      }),
    );
    expect(other.code).toBe('TIMEOUT');
    expect(server.tokenRequests).toHaveLength(2);

    const passwordAccount: OAuthAccount = { id: 'acc_password', email: 'p@example.test' };
    const refused = await failure(
      tokens.withAccessToken(passwordAccount, 'pw', async () => {
        throw new AppError('AUTH_FAILED');
      }),
    );
    expect(refused.code).toBe('AUTH_FAILED');
  });

  it('asks to sign in again when there are no tokens, or the provider withdrew the refresh token', async () => {
    const { server, clock, tokens, account, secrets } = await signedIn(3600);
    const none = await failure(tokens.accessToken({ ...account, id: 'acc_never_signed_in' }));
    expect(none).toMatchObject({ code: 'AUTH_FAILED', details: { signInRequired: 'true', accountId: 'acc_never_signed_in' } });

    server.revoked.add((await readTokenSet(secrets, account.id))!.refreshToken!);
    clock.now += 2 * 3_600_000;
    const withdrawn = await failure(tokens.accessToken(account));
    expect(withdrawn).toMatchObject({ code: 'AUTH_FAILED', details: { signInRequired: 'true', accountId: account.id } });
    expect(withdrawn.message).toMatch(/Sign in to alice@example\.test with the browser again/);
    expect(withdrawn.serverReply).toMatch(/^invalid_grant/);

    await tokens.signInAgain(account);
    expect(await tokens.accessToken(account)).toBe(server.issued.at(-1));
  });

  it('asks to sign in again, saying why, when the kept tokens can no longer be decrypted', async () => {
    const { server, account } = await signedIn(3600);
    const dir = mkdtempSync(join(tmpdir(), 'mua-oauth-unreadable-'));
    const file = join(dir, SECRETS_FILE);
    await new SafeStorageSecretStore(file, fakeSafeStorage()).set(tokenKey(account.id), JSON.stringify({ accessToken: 'a', refreshToken: 'r', expiresAt: 9e15 }));
    // The same file, opened with another key (the profile was copied to another computer).
    const tokens = new OAuthTokens(new SafeStorageSecretStore(file, fakeSafeStorage()), { providers: () => [server.provider] });
    const error = await failure(tokens.accessToken(account));
    expect(error).toMatchObject({ code: 'AUTH_FAILED', details: { signInRequired: 'true', accountId: account.id } });
    expect(error.message).toMatch(/can no longer be read .*Sign in with the browser again/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the provider for a server, and refuses a server no provider is configured for', async () => {
    const { tokens } = await signedIn();
    const error = (() => {
      try {
        tokens.settingsFor('imap.example.test');
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('OAuth configuration', () => {
  it('knows Google and Microsoft by their servers, with no client ID unless configured', () => {
    const providers = mergeProviders([]);
    expect(providerForHost(providers, 'imap.gmail.com')?.id).toBe('google');
    expect(providerForHost(providers, 'SMTP.Office365.com')?.id).toBe('microsoft');
    expect(providerForHost(providers, 'imap.example.test')).toBeUndefined();
    expect(providers.every((p) => p.clientId === undefined && p.clientSecret === undefined)).toBe(true);
  });

  it('takes client IDs and new providers from a file; an incomplete provider or bad JSON is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mua-oauth-config-'));
    const file = join(dir, 'oauth-providers.json');
    writeFileSync(
      file,
      JSON.stringify({
        providers: [
          { id: 'google', clientId: 'google-client' },
          { id: 'corp', name: 'Corp', hosts: ['.corp.example'], authorizationEndpoint: 'https://id.corp.example/auth', tokenEndpoint: 'https://id.corp.example/token', scopes: ['mail'], clientId: 'corp-client' },
        ],
      }),
    );
    const providers = loadOAuthProviders(file);
    expect(providerForHost(providers, 'imap.gmail.com')).toMatchObject({ clientId: 'google-client', tokenEndpoint: 'https://oauth2.googleapis.com/token' });
    expect(providerForHost(providers, 'mail.corp.example')).toMatchObject({ id: 'corp', clientId: 'corp-client' });
    expect(loadOAuthProviders(join(dir, 'missing.json')).map((p) => p.id)).toEqual(['google', 'microsoft']);

    writeFileSync(file, JSON.stringify({ providers: [{ id: 'half', name: 'Half' }] }));
    expect(() => loadOAuthProviders(file)).toThrow(/“half”/);
    writeFileSync(file, JSON.stringify({ providers: [{ id: 'google', tokenEndpoint: 'http://evil.example/token' }] }));
    expect(() => loadOAuthProviders(file)).toThrow(/https/);
    writeFileSync(file, '{ not json');
    expect(() => loadOAuthProviders(file)).toThrow(/not valid JSON/);
  });
});
