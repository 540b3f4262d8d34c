import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { Account, AccountChanges, ParsedAccountInput } from '../../shared/schemas.js';
import { applyAccountChanges } from './account-changes.js';
import { firstIdentity } from './identities.js';
import type { AccountSettings } from './settings-store.js';
import { passwordKey, secretKeysOf, type SecretStore } from './secret-store.js';

export type Credentials = { account: Account; password: string };

/** Adds, lists and removes accounts, keeping each password in the SecretStore and only there. */
export class AccountService {
  constructor(
    private readonly settings: AccountSettings,
    private readonly secrets: SecretStore,
  ) {}

  list(): Account[] {
    return this.settings.list();
  }

  async add(input: ParsedAccountInput): Promise<Account> {
    const { password, ...settings } = input;
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
    if (!this.settings.get(accountId)) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    await this.secrets.set(passwordKey(accountId), password);
  }

  async credentials(accountId: string): Promise<Credentials> {
    const account = this.settings.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    const password = await this.secrets.get(passwordKey(accountId));
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
