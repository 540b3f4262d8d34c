import { AppError } from '../../../shared/errors.js';
import { authorizationUrl } from './authorization-url.js';
import { listenForRedirect } from './loopback-redirect.js';
import type { OAuthProvider } from './oauth-provider.js';
import { createPkcePair, createState } from './pkce.js';
import { exchangeCode, type TokenEndpointOptions } from './token-endpoint.js';
import type { TokenSet } from './token-set.js';

export type SignInOptions = TokenEndpointOptions & {
  /** Opens the authorization URL in the system browser (Electron's shell.openExternal). */
  openExternal: (url: string) => Promise<void>;
  /** The address to sign in as, offered to the provider's page. */
  loginHint?: string;
  /** How long the person has to finish in the browser (default 5 minutes). */
  timeoutMs?: number;
};

/** The provider's client ID, or an error saying where to configure one. */
export function clientOf(provider: OAuthProvider): OAuthProvider & { clientId: string } {
  if (!provider.clientId) {
    throw new AppError('INVALID_ARGUMENT', {
      message: `Signing in to ${provider.name} with the browser needs the app’s client ID for ${provider.name}, and none is configured (oauth-providers.json).`,
      details: { provider: provider.id },
    });
  }
  return { ...provider, clientId: provider.clientId };
}

/**
 * The authorization code flow with PKCE through the system browser (RFC 8252): listen on a
 * loopback port, open the provider's page, take the one answer with our state, exchange the code
 * with the verifier. The listener is closed however it ends.
 */
export async function signInWithBrowser(provider: OAuthProvider, options: SignInOptions): Promise<TokenSet> {
  const client = clientOf(provider);
  const pkce = createPkcePair();
  const state = createState();
  const redirect = await listenForRedirect({ state, timeoutMs: options.timeoutMs ?? 5 * 60_000, providerName: provider.name });
  try {
    const url = authorizationUrl(provider, { clientId: client.clientId, redirectUri: redirect.redirectUri, state, challenge: pkce.challenge, loginHint: options.loginHint });
    // Not Electron's shell.openExternal but the injected opener (main/electron/main.ts), which
    // checks the URL again (http, https, mailto only). This URL is the configured provider's
    // authorization endpoint (https by the provider schema) with our own parameters, never
    // anything a message or a page supplied.
    await options.openExternal(url).catch((cause: unknown) => { // eng-disable OPEN_EXTERNAL_JS_CHECK
      throw new AppError('INTERNAL', { message: 'The system browser could not be opened for signing in.', cause });
    });
    const { code } = await redirect.result;
    return await exchangeCode(client, { code, redirectUri: redirect.redirectUri, verifier: pkce.verifier }, options);
  } finally {
    redirect.close();
    // A rejection nobody waits for any more (the browser failed to open) is not an unhandled one.
    redirect.result.catch(() => {});
  }
}
