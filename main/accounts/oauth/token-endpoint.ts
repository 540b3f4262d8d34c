import { z } from 'zod';
import { AppError } from '../../../shared/errors.js';
import type { OAuthProvider } from './oauth-provider.js';
import type { TokenSet } from './token-set.js';

/** What a token endpoint answers (RFC 6749 §5.1), and its errors (§5.2). */
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'Only bearer tokens can be used for mail.'),
  expires_in: z.coerce.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** A token whose lifetime the provider does not say is taken to last an hour. */
const DEFAULT_LIFETIME_S = 3600;

export type TokenEndpointOptions = {
  now?: () => number;
  timeoutMs?: number;
};

type Client = Pick<OAuthProvider, 'tokenEndpoint' | 'name' | 'clientSecret'> & { clientId: string };

/** The authorization code grant with the PKCE verifier (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export function exchangeCode(client: Client, grant: { code: string; redirectUri: string; verifier: string }, options: TokenEndpointOptions = {}): Promise<TokenSet> {
  return requestTokens(client, { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri, code_verifier: grant.verifier }, undefined, options);
}

/**
 * The refresh grant (RFC 6749 §6). A provider that does not send a new refresh token keeps the
 * old one valid, so it is carried over.
 */
export function refreshTokens(client: Client, refreshToken: string, options: TokenEndpointOptions = {}): Promise<TokenSet> {
  return requestTokens(client, { grant_type: 'refresh_token', refresh_token: refreshToken }, refreshToken, options);
}

async function requestTokens(client: Client, params: Record<string, string>, previousRefresh: string | undefined, options: TokenEndpointOptions): Promise<TokenSet> {
  const now = options.now ?? Date.now;
  const body = new URLSearchParams({ ...params, client_id: client.clientId, ...(client.clientSecret ? { client_secret: client.clientSecret } : {}) });
  const url = new URL(client.tokenEndpoint);
  const details = { host: url.hostname, port: url.port || (url.protocol === 'https:' ? '443' : '80') };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (cause) {
    if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) {
      throw new AppError('TIMEOUT', { message: `${client.name} did not answer the sign-in in time. Try again.`, details, cause });
    }
    throw new AppError('CONNECTION_REFUSED', { message: `${client.name}’s sign-in server could not be reached. Check your connection and try again.`, details, cause });
  }
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) throw tokenError(client, response.status, json);
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('SERVER_ERROR', { message: `${client.name} answered the sign-in with something the app cannot use.`, details });
  }
  const t = parsed.data;
  return {
    accessToken: t.access_token,
    ...((t.refresh_token ?? previousRefresh) ? { refreshToken: t.refresh_token ?? previousRefresh } : {}),
    issuedAt: now(),
    expiresAt: now() + (t.expires_in ?? DEFAULT_LIFETIME_S) * 1000,
    ...(t.scope ? { scope: t.scope } : {}),
  };
}

/**
 * invalid_grant: the code or refresh token is no longer good (revoked, expired, or the verifier
 * did not match): the person has to sign in again. Other errors keep the provider's words.
 */
function tokenError(client: Client, status: number, json: unknown): AppError {
  const parsed = tokenErrorSchema.safeParse(json);
  const serverReply = parsed.success ? [parsed.data.error, parsed.data.error_description].filter(Boolean).join(': ') : `HTTP ${status}`;
  if (parsed.success && parsed.data.error === 'invalid_grant') {
    return new AppError('AUTH_FAILED', {
      message: `${client.name} no longer accepts this app’s sign-in. Sign in with the browser again.`,
      serverReply,
      details: { signInRequired: 'true' },
    });
  }
  if (parsed.success && (parsed.data.error === 'invalid_client' || parsed.data.error === 'unauthorized_client')) {
    return new AppError('AUTH_FAILED', { message: `${client.name} does not accept this app’s client ID. Check the OAuth configuration.`, serverReply });
  }
  return new AppError('SERVER_ERROR', { message: `${client.name} refused the sign-in.`, serverReply });
}
