import type { OAuthProvider } from './oauth-provider.js';

/** The authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3), opened in the system browser. */
export function authorizationUrl(
  provider: Pick<OAuthProvider, 'authorizationEndpoint' | 'scopes'>,
  request: { clientId: string; redirectUri: string; state: string; challenge: string; loginHint?: string },
): string {
  const url = new URL(provider.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('scope', provider.scopes.join(' '));
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (request.loginHint) url.searchParams.set('login_hint', request.loginHint);
  return url.href;
}
