import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizationUrl } from '../../../../main/accounts/oauth/authorization-url.js';
import { listenForRedirect } from '../../../../main/accounts/oauth/loopback-redirect.js';
import { createPkcePair, s256Challenge } from '../../../../main/accounts/oauth/pkce.js';
import { signInWithBrowser } from '../../../../main/accounts/oauth/sign-in.js';
import { exchangeCode, refreshTokens } from '../../../../main/accounts/oauth/token-endpoint.js';
import { fakeBrowser, startFakeOAuth, type FakeOAuth } from '../../../support/fake-oauth-server.js';
import { failure } from '../../../support/app-error.js';

const servers: FakeOAuth[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function oauthServer(): Promise<FakeOAuth> {
  const server = await startFakeOAuth();
  servers.push(server);
  return server;
}

/** Whether anything still listens on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const portOf = (redirectUri: string) => Number(new URL(redirectUri).port);

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of appendix B', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh 43-character verifier each time, of the unreserved characters only', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(s256Challenge(a.verifier));
    expect(a.method).toBe('S256');
  });
});

describe('browser sign-in: authorization code with PKCE and a loopback redirect (RFC 8252)', () => {
  it('signs in: the browser gets the challenge and state, the token endpoint the matching verifier, and the listener closes', async () => {
    const server = await oauthServer();
    const browser = fakeBrowser();
    const tokens = await signInWithBrowser(server.provider, { openExternal: browser.openExternal, loginHint: 'alice@example.test', timeoutMs: 5_000 });

    expect(tokens.accessToken).toBe(server.issued[0]);
    expect(tokens.refreshToken).toMatch(/^fake-refresh-/);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);

    const [authorize] = server.authorizeRequests;
    const query = Object.fromEntries(authorize!.searchParams);
    expect(query).toMatchObject({
      response_type: 'code',
      client_id: 'mua-test-client',
      scope: 'mail offline_access',
      code_challenge_method: 'S256',
      login_hint: 'alice@example.test',
    });
    expect(query.state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const redirect = new URL(query.redirect_uri!);
    expect(redirect.protocol).toBe('http:');
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(Number(redirect.port)).toBeGreaterThan(1023);

    const [exchange] = server.tokenRequests;
    expect(exchange).toMatchObject({ grant_type: 'authorization_code', redirect_uri: query.redirect_uri, client_id: 'mua-test-client' });
    expect(s256Challenge(exchange!.code_verifier!)).toBe(query.code_challenge);
    expect(exchange).not.toHaveProperty('client_secret');
    // One shot: nothing listens on the redirect port any more.
    expect(await listening(portOf(query.redirect_uri!))).toBe(false);
  });

  it('uses an ephemeral port each time', async () => {
    const a = await listenForRedirect({ state: 's', timeoutMs: 5_000, providerName: 'X' });
    const b = await listenForRedirect({ state: 's', timeoutMs: 5_000, providerName: 'X' });
    expect(portOf(a.redirectUri)).not.toBe(portOf(b.redirectUri));
    a.close();
    b.close();
    await Promise.allSettled([a.result, b.result]);
  });

  it('ignores an answer with another state (400, its code never exchanged), then gives up at the timeout', async () => {
    const server = await oauthServer();
    server.consent = 'wrong-state';
    const browser = fakeBrowser();
    const error = await failure(signInWithBrowser(server.provider, { openExternal: browser.openExternal, timeoutMs: 800 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/not finished in the browser/);
    expect(browser.loopbackAnswers).toEqual([400]);
    expect(server.tokenRequests).toEqual([]);
  });

  it('a forged answer does not end the sign-in: the real one after it still works', async () => {
    const redirect = await listenForRedirect({ state: 'the-state', timeoutMs: 5_000, providerName: 'X' });
    const forged = await fetch(`${redirect.redirectUri}?code=evil&state=other`);
    expect(forged.status).toBe(400);
    const denied = await fetch(`${redirect.redirectUri}?error=access_denied&state=other`);
    expect(denied.status).toBe(400);
    const wrongPath = await fetch(redirect.redirectUri.replace('/callback', '/elsewhere?code=x&state=the-state'));
    expect(wrongPath.status).toBe(404);
    const real = await fetch(`${redirect.redirectUri}?code=good&state=the-state`);
    expect(real.status).toBe(200);
    await expect(redirect.result).resolves.toEqual({ code: 'good' });
    expect(await listening(portOf(redirect.redirectUri))).toBe(false);
  });

  it('a denied consent gives AUTH_FAILED saying so, with the provider’s words, and nothing is exchanged', async () => {
    const server = await oauthServer();
    server.consent = 'deny';
    const browser = fakeBrowser();
    const error = await failure(signInWithBrowser(server.provider, { openExternal: browser.openExternal, timeoutMs: 5_000 }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toMatch(/declined in the browser/);
    expect(error.serverReply).toBe('access_denied: The user declined');
    expect(error.details).toEqual({ oauthError: 'access_denied' });
    expect(server.tokenRequests).toEqual([]);
  });

  it('times out when the browser never comes back, and stops listening', async () => {
    const server = await oauthServer();
    server.consent = 'never';
    const browser = fakeBrowser();
    const started = Date.now();
    const error = await failure(signInWithBrowser(server.provider, { openExternal: browser.openExternal, timeoutMs: 500 }));
    expect(error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
    const redirectUri = new URL(browser.opened[0]!).searchParams.get('redirect_uri')!;
    expect(await listening(portOf(redirectUri))).toBe(false);
  });

  it('a browser that cannot be opened fails at once and frees the port', async () => {
    const server = await oauthServer();
    let opened = '';
    const error = await failure(
      signInWithBrowser(server.provider, {
        openExternal: async (url) => {
          opened = url;
          throw new Error('no browser');
        },
        timeoutMs: 5_000,
      }),
    );
    expect(error.code).toBe('INTERNAL');
    expect(await listening(portOf(new URL(opened).searchParams.get('redirect_uri')!))).toBe(false);
  });

  it('refuses to start without a configured client ID, saying where it goes', async () => {
    const server = await oauthServer();
    const { clientId: _none, ...provider } = server.provider;
    const error = await failure(signInWithBrowser(provider, { openExternal: async () => {}, timeoutMs: 1_000 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/client ID.*oauth-providers\.json/);
  });
});

describe('the token endpoint', () => {
  it('refuses a code exchanged with the wrong verifier (invalid_grant: sign in again)', async () => {
    const server = await oauthServer();
    const pkce = createPkcePair();
    const redirect = await listenForRedirect({ state: 'st', timeoutMs: 5_000, providerName: 'Fake' });
    const url = authorizationUrl(server.provider, { clientId: 'mua-test-client', redirectUri: redirect.redirectUri, state: 'st', challenge: pkce.challenge });
    const location = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
    await fetch(location);
    const { code } = await redirect.result;
    const client = { ...server.provider, clientId: 'mua-test-client' };
    const error = await failure(exchangeCode(client, { code, redirectUri: redirect.redirectUri, verifier: createPkcePair().verifier }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.details).toEqual({ signInRequired: 'true' });
    expect(error.serverReply).toMatch(/^invalid_grant/);
  });

  it('refreshes, keeping the refresh token when the provider sends none; a revoked one needs a new sign-in', async () => {
    const server = await oauthServer();
    const browser = fakeBrowser();
    const first = await signInWithBrowser(server.provider, { openExternal: browser.openExternal, timeoutMs: 5_000 });
    const client = { ...server.provider, clientId: 'mua-test-client' };
    const second = await refreshTokens(client, first.refreshToken!, { now: () => 1_000 });
    expect(second).toEqual({ accessToken: server.issued[1], refreshToken: first.refreshToken, issuedAt: 1_000, expiresAt: 1_000 + 3_600_000, scope: 'mail' });
    expect(server.tokenRequests[1]).toEqual({ grant_type: 'refresh_token', refresh_token: first.refreshToken, client_id: 'mua-test-client' });
    server.revoked.add(first.refreshToken!);
    const error = await failure(refreshTokens(client, first.refreshToken!));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.details?.signInRequired).toBe('true');
  });

  it('an unreachable token endpoint is a connection error, not a crash', async () => {
    const server = await oauthServer();
    const client = { ...server.provider, clientId: 'mua-test-client' };
    await server.close();
    servers.splice(0);
    const error = await failure(refreshTokens(client, 'r'));
    expect(error.code).toBe('CONNECTION_REFUSED');
  });
});
