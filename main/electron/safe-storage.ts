import { join } from 'node:path';
import { isSafeStorageUsable, SafeStorageSecretStore, SECRETS_FILE, type SafeStorageLike } from '../accounts/safe-storage-secret-store.js';
import type { SecretStore } from '../accounts/secret-store.js';

/** Electron's safeStorage, as far as this adapter touches it (main.ts passes the real object). */
export type ElectronSafeStorage = Pick<SafeStorageLike, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

/**
 * The desktop app's fallback secret store where keytar reaches no keychain: an encrypted file in
 * the profile, if safeStorage really encrypts (see isSafeStorageUsable), else undefined (memory
 * then). Must be called after app 'ready': safeStorage answers only from then on.
 */
export function safeStorageFallback(
  safeStorage: ElectronSafeStorage,
  profileDir: string,
  platform: NodeJS.Platform = process.platform,
): () => SecretStore | undefined {
  return () => {
    const adapted: SafeStorageLike = {
      isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
      encryptString: (text) => safeStorage.encryptString(text),
      decryptString: (bytes) => safeStorage.decryptString(bytes),
      // Linux only in Electron (it throws elsewhere).
      ...(platform === 'linux' && safeStorage.getSelectedStorageBackend
        ? { getSelectedStorageBackend: () => safeStorage.getSelectedStorageBackend!() }
        : {}),
    };
    return isSafeStorageUsable(adapted) ? new SafeStorageSecretStore(join(profileDir, SECRETS_FILE), adapted) : undefined;
  };
}
