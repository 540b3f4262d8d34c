import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { Account, AccountChanges, ParsedAccountInput } from '../../shared/schemas.js';
import { applyAccountChanges } from './account-changes.js';
import { firstIdentity } from './identities.js';
import type { AccountSettings } from './settings-store.js';
import { passwordKey, secretKeysOf, unreadableBecause, type SecretStore, type SecretUnreadableWhy } from './secret-store.js';
import type { OAuthTokens } from './oauth/oauth-tokens.js';
import { saveTokenSet } from './oauth/token-set.js';

/** An account and its secret: the password, or for an OAuth account a current access token. */
export type Credentials = { account: Account; password: string };

/**
 * Adds, lists and removes accounts, keeping each password (or an OAuth account's tokens) in the
 * SecretStore and only there.
 */
export class AccountService {
  constructor(
    private readonly settings: AccountSettings,
    private readonly secrets: SecretStore,
    /** OAuth accounts' tokens; without it an account that signs in with the browser cannot be added. */
    private readonly oauth?: OAuthTokens,
  ) {}

  list(): Account[] {
    return this.settings.list();
  }

  async add(input: ParsedAccountInput): Promise<Account> {
    if (input.auth === 'oauth2') return this.addSignedIn(input);
    const { password, ...settings } = input;
    if (password === undefined) throw new AppError('INVALID_ARGUMENT', { message: 'Enter the password.', details: { field: 'password' } });
    const account: Account = { id: randomUUID(), ...settings, identities: [firstIdentity(settings)] };
    // The secret goes first: an account whose password could not be kept is not saved at all.
    await this.secrets.set(passwordKey(account.id), password);
    try {
      this.settings.save(account);
    } catch (error) {
      await this.secrets.delete(passwordKey(account.id));
      throw error;
    }
    return account;
  }

  /**
   * An OAuth account: the provider is found from the configuration by the incoming server, the
   * person signs in with the browser, and only then are the tokens and the account kept.
   */
  private async addSignedIn(input: ParsedAccountInput): Promise<Account> {
    if (!this.oauth) throw new AppError('INVALID_ARGUMENT', { message: 'Signing in with the browser is not available here.' });
    const { password: _none, ...settings } = input;
    const host = (input.imap ?? input.pop3)?.host ?? input.smtp.host;
    const oauth2 = this.oauth.settingsFor(host);
    const tokens = await this.oauth.signIn(oauth2, input.email);
    const account: Account = { id: randomUUID(), ...settings, oauth2, identities: [firstIdentity(settings)] };
    await saveTokenSet(this.secrets, account.id, tokens);
    try {
      this.settings.save(account);
    } catch (error) {
      for (const key of secretKeysOf(account.id)) await this.secrets.delete(key);
      throw error;
    }
    return account;
  }

  /** Signs an OAuth account in with the browser again (its provider withdrew the tokens). */
  async signIn(accountId: string): Promise<void> {
    const account = this.settings.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    if (!this.oauth) throw new AppError('INVALID_ARGUMENT', { message: 'Signing in with the browser is not available here.' });
    await this.oauth.signInAgain(account);
  }

  async remove(accountId: string): Promise<boolean> {
    const removed = this.settings.remove(accountId);
    // Its password and any OAuth tokens.
    for (const key of secretKeysOf(accountId)) await this.secrets.delete(key);
    return removed;
  }

  /** Changes an account's settings, checked as adding checks them; the password stays as it is. */
  update(accountId: string, changes: AccountChanges): Account {
    const account = this.settings.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    const updated = applyAccountChanges(account, changes);
    this.settings.save(updated);
    return updated;
  }

  /** Keeps the account's password anew (the keychain lost it, or it was kept for the last session only). */
  async setPassword(accountId: string, password: string): Promise<void> {
    const account = this.settings.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    if (account.auth === 'oauth2') throw new AppError('INVALID_ARGUMENT', { message: 'This account signs in with the browser, not with a password.' });
    await this.secrets.set(passwordKey(accountId), password);
  }

  async credentials(accountId: string): Promise<Credentials> {
    const account = this.settings.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    if (account.auth === 'oauth2') {
      if (!this.oauth) throw new AppError('INVALID_ARGUMENT', { message: 'Signing in with the browser is not available here.' });
      return { account, password: await this.oauth.accessToken(account) };
    }
    let password: string | undefined;
    try {
      password = await this.secrets.get(passwordKey(accountId));
    } catch (error) {
      const why = unreadableBecause(error);
      if (why) throw passwordUnreadable(account, why, error);
      throw error;
    }
    if (password === undefined) throw passwordMissing(account);
    return { account, password };
  }
}

/**
 * No password is kept for the account (it was kept for one session only, or the keychain lost
 * it). details.passwordMissing tells the renderer to offer its "Password" prompt (accounts.setPassword).
 */
export function passwordMissing(account: Account): AppError {
  return new AppError('AUTH_FAILED', {
    message: `No password is stored for ${account.email}. Enter it again to go on.`,
    details: { passwordMissing: 'true', accountId: account.id },
  });
}

/**
 * A password is stored but cannot be read back (encrypted under another key, or its file
 * damaged): the same prompt as a missing one, with what happened in plain words.
 */
export function passwordUnreadable(account: Account, why: SecretUnreadableWhy, cause?: unknown): AppError {
  const what =
    why === 'other-key'
      ? 'it was encrypted with a key this computer no longer has (the profile was copied from elsewhere, or the system keyring was reset)'
      : 'the file it was kept in (secrets.enc.json in the profile folder) is damaged';
  return new AppError('AUTH_FAILED', {
    message: `The password stored for ${account.email} can no longer be read: ${what}. Enter the password again to go on.`,
    details: { passwordMissing: 'true', accountId: account.id, reason: 'unreadable' },
    cause,
  });
}
