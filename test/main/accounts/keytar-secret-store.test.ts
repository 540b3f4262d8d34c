import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../main/accounts/secret-store.js';

/**
 * Runs against a real Secret Service: the test command starts gnome-keyring in a private D-Bus
 * session, as a desktop session would provide one.
 */
describe('the OS keychain through keytar', () => {
  it('stores, reads and deletes a secret', async () => {
    const store = await KeytarSecretStore.open('Mua Mail (tests)');
    const key = `test:${randomUUID()}`;
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, 'pa55-wörd ✓');
    expect(await store.get(key)).toBe('pa55-wörd ✓');
    expect(await store.delete(key)).toBe(true);
    expect(await store.get(key)).toBeUndefined();
  });
});
