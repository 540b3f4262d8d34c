import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { log } from '../log.js';
import { secretUnreadable, type SecretStore } from './secret-store.js';

/**
 * The part of Electron's safeStorage this store uses. main/electron/safe-storage.ts hands over
 * the real one; tests pass a stand-in, so this module never imports Electron.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /**
   * Linux only: which backend encrypts. 'basic_text' means a key hard-coded in Chromium, i.e. no
   * protection at all, and is refused (see isSafeStorageUsable). Absent elsewhere.
   */
  getSelectedStorageBackend?(): string;
}

/** The encrypted secrets file's name in the profile folder. */
export const SECRETS_FILE = 'secrets.enc.json';

/** The file could be read but is not ours any more (truncated, overwritten, edited): its secrets are lost. */
class DamagedFile extends Error {}

const fileSchema = z.object({
  version: z.literal(1),
  /** key → the secret as safeStorage encrypted it, base64. */
  secrets: z.record(z.string(), z.string()),
});

/**
 * True when safeStorage really encrypts: available, and on Linux backed by a keyring (kwallet,
 * gnome-libsecret), not Chromium's 'basic_text' fallback whose key is public, which would be
 * plain text on disk in all but name.
 */
export function isSafeStorageUsable(safeStorage: SafeStorageLike): boolean {
  try {
    if (!safeStorage.isEncryptionAvailable()) return false;
    const backend = safeStorage.getSelectedStorageBackend?.();
    return backend === undefined || (backend !== 'basic_text' && backend !== 'unknown');
  } catch {
    return false;
  }
}

/**
 * Secrets in one file of the profile, each encrypted by Electron's safeStorage (an OS-held key:
 * DPAPI, the macOS Keychain, kwallet or libsecret). Only the encrypted bytes and the key names
 * (account ids, never the secrets) are written; the file is replaced atomically, mode 0600.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'encrypted-file' as const;

  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
  ) {}

  async get(key: string): Promise<string | undefined> {
    let secrets: Record<string, string>;
    try {
      secrets = this.read();
    } catch (error) {
      if (error instanceof DamagedFile) throw secretUnreadable('damaged', 'The encrypted password file is damaged, so the stored password could not be read. Enter it again.', error);
      throw error;
    }
    const encrypted = secrets[key];
    if (encrypted === undefined) return undefined;
    try {
      return this.safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
    } catch (cause) {
      // Encrypted under another key (the profile was copied, the keyring was reset): ask again.
      throw secretUnreadable('other-key', 'A stored password could not be decrypted: it was encrypted with another key than this computer’s. Enter it again.', cause);
    }
  }

  async set(key: string, secret: string): Promise<void> {
    let encrypted: Buffer;
    try {
      encrypted = this.safeStorage.encryptString(secret);
    } catch (cause) {
      throw new AppError('KEYCHAIN_UNAVAILABLE', { message: 'The password could not be encrypted, so it was not stored.', cause });
    }
    this.write({ ...this.readForChange(), [key]: encrypted.toString('base64') });
  }

  async delete(key: string): Promise<boolean> {
    const secrets = this.readForChange();
    if (!(key in secrets)) return false;
    delete secrets[key];
    this.write(secrets);
    return true;
  }

  private read(): Record<string, string> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new AppError('KEYCHAIN_UNAVAILABLE', { message: 'The encrypted password file could not be read.', cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new DamagedFile('not JSON', { cause });
    }
    const result = fileSchema.safeParse(parsed);
    if (!result.success) throw new DamagedFile('not a secrets file');
    return { ...result.data.secrets };
  }

  /**
   * The secrets before a change. A damaged file cannot be read by anyone any more, so it must not
   * stop a password from being kept anew (or an account from being removed): it is set aside as
   * secrets.enc.json.damaged-<time> (still encrypted) and a new file begun.
   */
  private readForChange(): Record<string, string> {
    try {
      return this.read();
    } catch (error) {
      if (!(error instanceof DamagedFile)) throw error;
      const aside = `${this.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(this.file, aside);
      } catch (cause) {
        throw new AppError('KEYCHAIN_UNAVAILABLE', { message: 'The damaged encrypted password file could not be set aside.', cause });
      }
      log.warn('damaged secrets file set aside', { file: aside });
      return {};
    }
  }

  private write(secrets: Record<string, string>): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const temporary = `${this.file}.tmp`;
      writeFileSync(temporary, JSON.stringify({ version: 1, secrets }), { mode: 0o600 });
      renameSync(temporary, this.file);
    } catch (cause) {
      throw new AppError('KEYCHAIN_UNAVAILABLE', { message: 'The encrypted password file could not be written.', cause });
    }
  }
}
