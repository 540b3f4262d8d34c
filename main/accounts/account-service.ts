import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { Account, ParsedAccountInput } from '../../shared/schemas.js';
import type { AccountSettings } from './settings-store.js';
import { passwordKey, type SecretStore } from './secret-store.js';

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
    const account: Account = { id: randomUUID(), ...settings };
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
    await this.secrets.delete(passwordKey(accountId));
    return removed;
  }

  async credentials(accountId: string): Promise<Credentials> {
    const account = this.settings.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    const password = await this.secrets.get(passwordKey(accountId));
    if (password === undefined) {
      throw new AppError('AUTH_FAILED', {
        message: 'The password for this account is not in the keychain. Remove the account and add it again.',
      });
    }
    return { account, password };
  }
}
