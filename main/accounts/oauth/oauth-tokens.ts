import { AppError } from '../../../shared/errors.js';
import type { Account, OAuth2Settings } from '../../../shared/schemas.js';
import { unreadableBecause, type SecretStore } from '../secret-store.js';
import { providerForHost, type OAuthProvider } from './oauth-provider.js';
import { clientOf, signInWithBrowser } from './sign-in.js';
import { refreshTokens } from './token-endpoint.js';
import { readTokenSet, saveTokenSet, type TokenSet } from './token-set.js';

export type OAuthAccount = Pick<Account, 'id' | 'email' | 'auth' | 'oauth2'>;

export type OAuthTokensOptions = {
  /** The configured providers (oauth-config.ts): endpoints, scopes, the app's client IDs. */
  providers: () => readonly OAuthProvider[];
  /** Opens the system browser; without it (web mode) browser sign-in is not offered. */
  openExternal?: (url: string) => Promise<void>;
  /** Refresh this long before expiry (default 5 minutes): a token never runs out mid-login. */
  refreshMarginMs?: number;
  signInTimeoutMs?: number;
  now?: () => number;
};

/**
 * The access tokens of OAuth accounts, for the IMAP, POP3 and SMTP connection code: read from
 * the SecretStore, refreshed before they expire (one refresh at a time per account), refreshed
 * anew when a server refused the current one, and signed in for with the browser.
 */
export class OAuthTokens {
  private readonly refreshing = new Map<string, Promise<TokenSet>>();
  /** Accounts whose current access token a server refused: the next ask refreshes. */
  private readonly rejected = new Set<string>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly options: OAuthTokensOptions,
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The provider settings for an account whose incoming server is `host`, from the configuration. */
  settingsFor(host: string): OAuth2Settings {
    const provider = providerForHost(this.options.providers(), host);
    if (!provider) {
      throw new AppError('INVALID_ARGUMENT', { message: `Signing in with the browser is not set up for ${host}. Use a password, or an app password from your provider.`, details: { host } });
    }
    const { id, name, authorizationEndpoint, tokenEndpoint, scopes } = provider;
    return { provider: id, name, authorizationEndpoint, tokenEndpoint, scopes };
  }

  /** The configured provider for the account's settings: its client ID, with the account's endpoints and scopes. */
  private providerOf(settings: OAuth2Settings): OAuthProvider {
    const configured = this.options.providers().find((p) => p.id === settings.provider);
    return {
      ...configured,
      id: settings.provider,
      name: settings.name,
      hosts: configured?.hosts ?? ['.'],
      authorizationEndpoint: settings.authorizationEndpoint,
      tokenEndpoint: settings.tokenEndpoint,
      scopes: settings.scopes,
    };
  }

  /** Runs the browser sign-in and returns the tokens (the caller keeps them with the account). */
  async signIn(settings: OAuth2Settings, loginHint: string): Promise<TokenSet> {
    const openExternal = this.options.openExternal;
    if (!openExternal) {
      throw new AppError('INVALID_ARGUMENT', { message: 'Signing in with the browser works in the desktop app only.' });
    }
    return signInWithBrowser(this.providerOf(settings), { openExternal, loginHint, timeoutMs: this.options.signInTimeoutMs, now: this.options.now });
  }

  /** Signs an existing account in again (its refresh token was withdrawn) and keeps the new tokens. */
  async signInAgain(account: OAuthAccount): Promise<void> {
    const tokens = await this.signIn(oauthSettingsOf(account), account.email);
    await saveTokenSet(this.secrets, account.id, tokens);
    this.rejected.delete(account.id);
  }

  /** A current access token for the account: the kept one, or a fresh one when it is near expiry or was refused. */
  async accessToken(account: OAuthAccount): Promise<string> {
    let tokens: TokenSet | undefined;
    try {
      tokens = await readTokenSet(this.secrets, account.id);
    } catch (error) {
      // Kept under another key, or in a damaged file: only a new sign-in brings tokens back.
      if (unreadableBecause(error)) throw signInRequired(account, undefined, `The sign-in kept for ${account.email} can no longer be read (it was encrypted with another key, or its file is damaged). Sign in with the browser again to go on.`);
      throw error;
    }
    if (!tokens) throw signInRequired(account);
    // Never more than half a token's life early: a provider's short-lived tokens are not refreshed at every use.
    const lifetime = tokens.issuedAt === undefined ? Infinity : tokens.expiresAt - tokens.issuedAt;
    const margin = Math.min(this.options.refreshMarginMs ?? 5 * 60_000, lifetime / 2);
    if (!this.rejected.has(account.id) && tokens.expiresAt - margin > this.now()) return tokens.accessToken;
    return (await this.refresh(account, tokens)).accessToken;
  }

  /**
   * A server refused `token` (AUTH failed): the next accessToken refreshes, unless a newer one is
   * kept already. Without `token`: whatever token is kept now.
   */
  async tokenRejected(account: OAuthAccount, token?: string): Promise<void> {
    if (account.auth !== 'oauth2') return;
    const tokens = await readTokenSet(this.secrets, account.id);
    if (tokens && (token === undefined || tokens.accessToken === token)) this.rejected.add(account.id);
  }

  /**
   * Runs `attempt` with the account's secret; for an OAuth account whose token the server
   * refuses (the mail protocols' "401"), once more with a freshly refreshed token. `classify`
   * turns a protocol library's raw failure into an AppError (default: AppErrors only).
   */
  async withAccessToken<T>(
    account: OAuthAccount,
    token: string,
    attempt: (token: string) => Promise<T>,
    classify: (error: unknown) => AppError | undefined = (error) => (error instanceof AppError ? error : undefined),
  ): Promise<T> {
    try {
      return await attempt(token);
    } catch (error) {
      if (account.auth !== 'oauth2' || classify(error)?.code !== 'AUTH_FAILED') throw error;
      await this.tokenRejected(account, token);
      const fresh = await this.accessToken(account);
      if (fresh === token) throw error;
      return attempt(fresh);
    }
  }

  private refresh(account: OAuthAccount, tokens: TokenSet): Promise<TokenSet> {
    const running = this.refreshing.get(account.id);
    if (running) return running;
    const job = (async () => {
      if (!tokens.refreshToken) throw signInRequired(account);
      const provider = this.providerOf(oauthSettingsOf(account));
      let fresh: TokenSet;
      try {
        fresh = await refreshTokens(clientOf(provider), tokens.refreshToken, { now: this.options.now });
      } catch (error) {
        if (error instanceof AppError && error.details?.signInRequired) throw signInRequired(account, error.serverReply);
        throw error;
      }
      await saveTokenSet(this.secrets, account.id, fresh);
      this.rejected.delete(account.id);
      return fresh;
    })();
    this.refreshing.set(account.id, job);
    void job.finally(() => this.refreshing.delete(account.id)).catch(() => {});
    return job;
  }
}

export function oauthSettingsOf(account: OAuthAccount): OAuth2Settings {
  if (account.auth !== 'oauth2' || !account.oauth2) {
    throw new AppError('INVALID_ARGUMENT', { message: 'This account signs in with a password, not with the browser.' });
  }
  return account.oauth2;
}

/**
 * No usable tokens: never signed in, or the provider withdrew them. details.signInRequired tells
 * the renderer to offer "Sign in with browser" (accounts.signIn).
 */
export function signInRequired(account: Pick<Account, 'id' | 'email'>, serverReply?: string, message = `Sign in to ${account.email} with the browser again to go on.`): AppError {
  return new AppError('AUTH_FAILED', {
    message,
    ...(serverReply ? { serverReply } : {}),
    details: { signInRequired: 'true', accountId: account.id },
  });
}
