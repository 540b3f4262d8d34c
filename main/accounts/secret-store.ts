import { AppError } from '../../shared/errors.js';
import type { SecretStorageKind } from '../../shared/schemas.js';

/**
 * Where passwords and tokens live. The app never writes a secret anywhere else: not in settings,
 * not in a log. Implementations: the OS keychain (keytar); a file encrypted by Electron's
 * safeStorage where no keychain answers (safe-storage-secret-store.ts); memory for this run only.
 */
export interface SecretStore {
  readonly kind: SecretStorageKind;
  get(key: string): Promise<string | undefined>;
  set(key: string, secret: string): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'Mua Mail';

export function passwordKey(accountId: string): string {
  return `account:${accountId}:password`;
}

/** An OAuth 2.0 token set (JSON) of an account, kept like a password. */
export function tokenKey(accountId: string): string {
  return `account:${accountId}:oauth-tokens`;
}

/**
 * A secret the store holds but cannot read back: encrypted under another key (the profile was
 * copied from another computer or user, the keyring was reset) or its file is damaged. Callers
 * turn it into "enter the password again" (account-service.ts) or "sign in again" (oauth-tokens.ts).
 */
export function secretUnreadable(why: SecretUnreadableWhy, message: string, cause?: unknown): AppError {
  return new AppError('KEYCHAIN_UNAVAILABLE', { message, details: { secretUnreadable: why }, cause });
}

export type SecretUnreadableWhy = 'other-key' | 'damaged';

/** Why the secret could not be read back, for an error secretUnreadable made; else undefined. */
export function unreadableBecause(error: unknown): SecretUnreadableWhy | undefined {
  if (!(error instanceof AppError)) return undefined;
  const why = error.details?.secretUnreadable;
  return why === 'other-key' || why === 'damaged' ? why : undefined;
}

/** Every key an account may have in the store: removing the account deletes them all. */
export function secretKeysOf(accountId: string): string[] {
  return [passwordKey(accountId), tokenKey(accountId)];
}

type Keytar = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

/** The OS keychain through keytar (Secret Service on Linux, Keychain on macOS, Credential Vault on Windows). */
export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  private constructor(
    private readonly keytar: Keytar,
    private readonly service: string,
  ) {}

  static async open(service = KEYCHAIN_SERVICE): Promise<KeytarSecretStore> {
    let keytar: Keytar;
    try {
      const mod = (await import('keytar')) as { default?: Keytar } & Keytar;
      keytar = mod.default ?? mod;
    } catch (cause) {
      throw new AppError('KEYCHAIN_UNAVAILABLE', { cause });
    }
    const store = new KeytarSecretStore(keytar, service);
    // A probe read tells at once whether a Secret Service answers, instead of at the first save.
    await store.get('probe');
    return store;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.call(() => this.keytar.getPassword(this.service, key))) ?? undefined;
  }

  async set(key: string, secret: string): Promise<void> {
    await this.call(() => this.keytar.setPassword(this.service, key, secret));
  }

  async delete(key: string): Promise<boolean> {
    return this.call(() => this.keytar.deletePassword(this.service, key));
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      throw new AppError('KEYCHAIN_UNAVAILABLE', { cause });
    }
  }
}

/** Keeps secrets for this run only: used when no keychain can be reached, and in unit tests. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  private readonly secrets = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.secrets.get(key);
  }

  async set(key: string, secret: string): Promise<void> {
    this.secrets.set(key, secret);
  }

  async delete(key: string): Promise<boolean> {
    return this.secrets.delete(key);
  }
}
