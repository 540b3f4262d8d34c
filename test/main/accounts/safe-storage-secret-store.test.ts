import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSecretStore } from '../../../main/accounts/open-secret-store.js';
import { isSafeStorageUsable, SafeStorageSecretStore, SECRETS_FILE } from '../../../main/accounts/safe-storage-secret-store.js';
import { unreadableBecause, passwordKey, tokenKey, type SecretStore } from '../../../main/accounts/secret-store.js';
import { safeStorageFallback } from '../../../main/electron/safe-storage.js';
import { fakeSafeStorage } from './support/fake-safe-storage.js';

process.env.MUA_LOG = 'silent';

const failingKeychain = async (): Promise<SecretStore> => {
  throw new Error('no Secret Service');
};

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const profile = () => (dir = mkdtempSync(join(tmpdir(), 'mua-safe-')));

describe('SafeStorageSecretStore', () => {
  it('keeps passwords and tokens encrypted in one file: never the secret in plain text', async () => {
    const file = join(profile(), SECRETS_FILE);
    const store = new SafeStorageSecretStore(file, fakeSafeStorage());
    await store.set(passwordKey('account-1'), 'hunter2-very-secret');
    await store.set(tokenKey('account-1'), JSON.stringify({ access_token: 'ya29.token-secret' }));
    expect(await store.get(passwordKey('account-1'))).toBe('hunter2-very-secret');
    expect(JSON.parse((await store.get(tokenKey('account-1')))!)).toEqual({ access_token: 'ya29.token-secret' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ya29');
    expect(Buffer.from(text).toString('base64')).not.toContain(Buffer.from('hunter2-very-secret').toString('base64'));
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.kind).toBe('encrypted-file');
  });

  it('survives a restart with the same OS key, and deletes', async () => {
    const file = join(profile(), SECRETS_FILE);
    const safe = fakeSafeStorage();
    await new SafeStorageSecretStore(file, safe).set('k', 'v');
    const again = new SafeStorageSecretStore(file, safe);
    expect(await again.get('k')).toBe('v');
    expect(await again.delete('k')).toBe(true);
    expect(await again.delete('k')).toBe(false);
    expect(await again.get('k')).toBeUndefined();
  });

  it('says a secret it cannot decrypt (another key) is to be entered again, as a typed error marked unreadable', async () => {
    const file = join(profile(), SECRETS_FILE);
    await new SafeStorageSecretStore(file, fakeSafeStorage()).set('k', 'v');
    const otherKey = new SafeStorageSecretStore(file, fakeSafeStorage());
    await expect(otherKey.get('k')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', details: { secretUnreadable: 'other-key' } });
    expect(unreadableBecause(await otherKey.get('k').catch((e: unknown) => e))).toBe('other-key');
    // Kept anew under this computer's key, it reads back.
    await otherKey.set('k', 'v2');
    expect(await otherKey.get('k')).toBe('v2');
  });

  it('reads a damaged file as unreadable, and sets it aside (never silently) when a password is kept anew', async () => {
    const dir = profile();
    const file = join(dir, SECRETS_FILE);
    writeFileSync(file, '{"version":1,"secrets":{"k":"AAAA', { mode: 0o600 });
    const store = new SafeStorageSecretStore(file, fakeSafeStorage());
    const error = await store.get('k').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', details: { secretUnreadable: 'damaged' } });
    expect((error as Error).message).toMatch(/damaged/);
    await store.set('k', 'again');
    expect(await store.get('k')).toBe('again');
    const aside = readdirSync(dir).filter((name) => name.startsWith(`${SECRETS_FILE}.damaged-`));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('{"version":1,"secrets":{"k":"AAAA');
    // Removing an account over a damaged file works too.
    writeFileSync(file, 'not json at all');
    expect(await store.delete('k')).toBe(false);
  });

  it('refuses safeStorage that does not really encrypt (unavailable, or Linux basic_text)', () => {
    expect(isSafeStorageUsable(fakeSafeStorage())).toBe(true);
    expect(isSafeStorageUsable(fakeSafeStorage({ backend: 'gnome_libsecret' }))).toBe(true);
    expect(isSafeStorageUsable(fakeSafeStorage({ available: false }))).toBe(false);
    expect(isSafeStorageUsable(fakeSafeStorage({ backend: 'basic_text' }))).toBe(false);
  });
});

describe('openSecretStore', () => {
  it('takes the keychain when it answers, with no warning', async () => {
    const keychain = { kind: 'keychain' as const, get: async () => undefined, set: async () => {}, delete: async () => false };
    const opened = await openSecretStore({ openKeychain: async () => keychain, fallback: () => undefined });
    expect(opened.store).toBe(keychain);
    expect(opened.warning).toBeUndefined();
  });

  it('falls back to the encrypted file (the desktop adapter over safeStorage) and says so', async () => {
    const opened = await openSecretStore({ openKeychain: failingKeychain, fallback: safeStorageFallback(fakeSafeStorage(), profile(), 'darwin') });
    expect(opened.store.kind).toBe('encrypted-file');
    expect(opened.warning).toMatch(/encrypted file/);
  });

  it('keeps secrets in memory for the session when neither works, and says they will be asked for again', async () => {
    const basic = safeStorageFallback(fakeSafeStorage({ backend: 'basic_text' }), profile(), 'linux');
    const opened = await openSecretStore({ openKeychain: failingKeychain, fallback: basic });
    expect(opened.store.kind).toBe('memory');
    expect(opened.warning).toMatch(/asked for again/);
    const throwing = await openSecretStore({
      openKeychain: failingKeychain,
      fallback: () => {
        throw new Error('safeStorage not ready');
      },
    });
    expect(throwing.store.kind).toBe('memory');
  });
});
