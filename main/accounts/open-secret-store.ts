import type { SecretStorageKind } from '../../shared/schemas.js';
import { log } from '../log.js';
import { KeytarSecretStore, MemorySecretStore, type SecretStore } from './secret-store.js';

export type SecretStoreChoice = {
  /** The OS keychain; tests pass one that fails. Default: keytar. */
  openKeychain?: () => Promise<SecretStore>;
  /**
   * The desktop app's second choice where no keychain answers: a file encrypted by Electron's
   * safeStorage (undefined when safeStorage cannot really encrypt either). Web mode has none.
   */
  fallback?: () => SecretStore | undefined;
};

/** The one line the person is told about where their passwords are kept; none for the keychain. */
export function secretStorageNotice(kind: SecretStorageKind): string | undefined {
  if (kind === 'encrypted-file') {
    return 'No system keychain answered, so passwords are kept in an encrypted file in your profile folder instead.';
  }
  if (kind === 'memory') {
    return 'No system keychain answered, so passwords are kept in memory for this session only and will be asked for again.';
  }
  return undefined;
}

/**
 * The OS keychain when one answers; else the encrypted file, where the desktop app can offer one;
 * else memory for this run only (never plain text on disk). Anything but the keychain comes with
 * a warning for the person.
 */
export async function openSecretStore(choice: SecretStoreChoice = {}): Promise<{ store: SecretStore; warning?: string }> {
  try {
    return { store: await (choice.openKeychain ?? (() => KeytarSecretStore.open()))() };
  } catch {
    log.warn('keychain unavailable');
  }
  let store: SecretStore | undefined;
  try {
    store = choice.fallback?.();
  } catch {
    store = undefined;
  }
  store ??= new MemorySecretStore();
  log.warn('secrets kept outside the keychain', { kind: store.kind });
  return { store, warning: secretStorageNotice(store.kind) };
}
