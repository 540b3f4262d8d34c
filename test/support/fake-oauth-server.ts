import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthProvider } from '../../main/accounts/oauth/oauth-provider.js';

/**
 * A small OAuth 2.0 authorization server on loopback, for the browser sign-in and the refresh
 * grant: /authorize answers with a redirect to the client's loopback redirect URI (a code, or
 * what the test asks for instead: a denial, a wrong state, nothing at all); /token checks the
 * code, the redirect URI, the client ID and the PKCE verifier (S256), and refreshes. Tokens are
 * numbered, and every request is recorded. /introspect (RFC 7662) tells a mail server whose an
 * access token is: the test bed's Dovecot asks it to check XOAUTH2 and OAUTHBEARER logins, on
 * the address testbed.json names (`introspection`).
 */
export type Consent = 'approve' | 'deny' | 'wrong-state' | 'never';

export type TokenRequest = Record<string, string>;

export type FakeOAuth = {
  provider: OAuthProvider;
  authorizeRequests: URL[];
  tokenRequests: TokenRequest[];
  /** What the next authorization does (default 'approve'). */
  consent: Consent;
  /** Lifetime of the access tokens it issues, seconds. */
  expiresIn: number;
  /** Refresh tokens no longer accepted (revoked). */
  revoked: Set<string>;
  /** Access tokens issued so far, oldest first. */
  issued: string[];
  /** Tokens a mail server asked about (introspection), in order. */
  introspected: string[];
  close(): Promise<void>;
};

export type FakeOAuthOptions = {
  /** Also listen here for introspection (the test bed's Dovecot asks there). */
  introspection?: { host: string; port: number };
  /** Whose tokens are issued when the authorization request carries no login_hint. */
  defaultEmail?: string;
};

export const FAKE_CLIENT_ID = 'mua-test-client';

type Grant = { challenge: string; method: string; redirectUri: string; clientId: string; email: string };

export async function startFakeOAuth(hosts: string[] = ['127.0.0.1'], options: FakeOAuthOptions = {}): Promise<FakeOAuth> {
  const codes = new Map<string, Grant>();
  /** refresh token → whose it is. */
  const refreshTokens = new Map<string, string>();
  /** access token → whose it is and until when (ms). */
  const accessTokens = new Map<string, { email: string; expiresAt: number }>();
  let serial = 0;
  const state: Omit<FakeOAuth, 'provider' | 'close'> = {
    authorizeRequests: [],
    tokenRequests: [],
    consent: 'approve',
    expiresIn: 3600,
    revoked: new Set(),
    issued: [],
    introspected: [],
  };

  const json = (res: import('node:http').ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const issue = (email: string) => {
    serial++;
    const accessToken = `fake-access-${serial}-${Math.random().toString(36).slice(2)}`;
    const refreshToken = `fake-refresh-${serial}-${Math.random().toString(36).slice(2)}`;
    refreshTokens.set(refreshToken, email);
    accessTokens.set(accessToken, { email, expiresAt: Date.now() + state.expiresIn * 1000 });
    state.issued.push(accessToken);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: state.expiresIn, refresh_token: refreshToken, scope: 'mail' };
  };

  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/authorize') {
      state.authorizeRequests.push(url);
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? 'http://127.0.0.1:9/');
      const stateParam = url.searchParams.get('state') ?? '';
      switch (state.consent) {
        case 'never':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<p>Waiting for you to decide…</p>');
        case 'deny':
          redirect.searchParams.set('error', 'access_denied');
          redirect.searchParams.set('error_description', 'The user declined');
          redirect.searchParams.set('state', stateParam);
          break;
        default: {
          const code = `code-${++serial}`;
          codes.set(code, {
            challenge: url.searchParams.get('code_challenge') ?? '',
            method: url.searchParams.get('code_challenge_method') ?? 'plain',
            redirectUri: redirect.href,
            clientId: url.searchParams.get('client_id') ?? '',
            email: url.searchParams.get('login_hint') ?? options.defaultEmail ?? 'someone@example.test',
          });
          redirect.searchParams.set('code', code);
          redirect.searchParams.set('state', state.consent === 'wrong-state' ? 'forged-state' : stateParam);
        }
      }
      res.writeHead(302, { location: redirect.href });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      state.tokenRequests.push(form);
      if (form.client_id !== FAKE_CLIENT_ID) return json(res, 401, { error: 'invalid_client' });
      if (form.grant_type === 'authorization_code') {
        const grant = codes.get(form.code ?? '');
        codes.delete(form.code ?? '');
        const verifier = form.code_verifier ?? '';
        const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
        if (!grant || grant.method !== 'S256' || grant.challenge !== challenge || grant.redirectUri !== form.redirect_uri || grant.clientId !== form.client_id) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'code, verifier or redirect_uri do not match' });
        }
        return json(res, 200, issue(grant.email));
      }
      if (form.grant_type === 'refresh_token') {
        const token = form.refresh_token ?? '';
        const owner = refreshTokens.get(token);
        if (owner === undefined || state.revoked.has(token)) return json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        const fresh = issue(owner);
        // Like Google: the refresh token stays, no new one is sent.
        refreshTokens.delete(fresh.refresh_token);
        const { refresh_token: _kept, ...rest } = fresh;
        return json(res, 200, rest);
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    if (req.method === 'POST' && url.pathname === '/introspect') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
      state.introspected.push(token);
      const known = accessTokens.get(token);
      if (!known || known.expiresAt <= Date.now()) return json(res, 200, { active: 'false' });
      // Dovecot compares active_value as text.
      return json(res, 200, { active: 'true', email: known.email, scope: 'mail', client_id: FAKE_CLIENT_ID });
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The same answers on the introspection address (another listener of the same server).
  const introspection = options.introspection ? createServer((req, res) => server.emit('request', req, res)) : undefined;
  if (introspection && options.introspection) await listenWhenFree(introspection, options.introspection);
  return Object.assign(state, {
    provider: {
      id: 'fake',
      name: 'Fake Mail',
      hosts,
      authorizationEndpoint: `${base}/authorize`,
      tokenEndpoint: `${base}/token`,
      scopes: ['mail', 'offline_access'],
      clientId: FAKE_CLIENT_ID,
    },
    close: async () => {
      for (const listener of [server, introspection]) {
        if (!listener) continue;
        await new Promise<void>((resolve) => {
          listener.closeAllConnections();
          listener.close(() => resolve());
        });
      }
    },
  });
}

/**
 * The system browser, as far as sign-in goes: opens the authorization URL and follows the
 * provider's redirect to the app's loopback address. It records what it opened and what the
 * loopback answered.
 */
export function fakeBrowser() {
  const opened: string[] = [];
  const loopbackAnswers: number[] = [];
  const openExternal = async (url: string): Promise<void> => {
    opened.push(url);
    // As a browser would, in the background: openExternal returns at once.
    void (async () => {
      const answer = await fetch(url, { redirect: 'manual' });
      const location = answer.headers.get('location');
      if (!location) return;
      const back = await fetch(location).catch(() => undefined);
      if (back) loopbackAnswers.push(back.status);
    })().catch(() => {});
  };
  return { openExternal, opened, loopbackAnswers };
}

/**
 * The test bed's introspection address is one fixed port: two test files that need it take
 * turns (the second waits, up to a minute, for the first to close it) rather than fail.
 */
async function listenWhenFree(listener: Server, { host, port }: { host: string; port: number }, patienceMs = 60_000): Promise<void> {
  const until = Date.now() + patienceMs;
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (error: Error) => reject(error);
        listener.once('error', fail);
        listener.listen(port, host, () => {
          listener.off('error', fail);
          resolve();
        });
      });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
