import { log } from '../log.js';
import { KeytarSecretStore, MemorySecretStore, type SecretStore } from './secret-store.js';

/**
 * The OS keychain when one answers; otherwise secrets stay in memory for this run only (never
 * written to disk in plain text), and the user is told so.
 */
export async function openSecretStore(): Promise<{ store: SecretStore; warning?: string }> {
  try {
    return { store: await KeytarSecretStore.open() };
  } catch {
    const warning =
      'No system keychain answered, so passwords are kept in memory for this session only and will be asked for again.';
    log.warn('keychain unavailable; using the in-memory secret store');
    return { store: new MemorySecretStore(), warning };
  }
}
