import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../../main/accounts/account-service.js';
import { MemorySecretStore, passwordKey, type SecretStore } from '../../../main/accounts/secret-store.js';
import { AccountSettings, openSettingsFile } from '../../../main/accounts/settings-store.js';

const input = {
  name: 'Alice Example',
  email: 'alice@example.test',
  password: 'correct horse battery staple',
  imap: { host: 'imap.example.test', port: 993, security: 'tls' as const },
  smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' as const },
  sentCopy: 'append' as const,
};

describe('accounts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mua-accounts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps settings in the profile folder and the password only in the secret store', async () => {
    const secrets = new MemorySecretStore();
    const service = new AccountService(new AccountSettings(openSettingsFile(dir)), secrets);
    const account = await service.add(input);

    expect(readdirSync(dir)).toEqual(['settings.json']);
    const onDisk = readFileSync(join(dir, 'settings.json'), 'utf8');
    expect(onDisk).toContain('alice@example.test');
    expect(onDisk).not.toContain(input.password);
    expect(await secrets.get(passwordKey(account.id))).toBe(input.password);
  });

  it('reads the same accounts back after a restart', async () => {
    const first = new AccountService(new AccountSettings(openSettingsFile(dir)), new MemorySecretStore());
    const account = await first.add(input);
    const again = new AccountSettings(openSettingsFile(dir));
    expect(again.list()).toEqual([account]);
  });

  it('saves nothing when the keychain refuses the password', async () => {
    const broken: SecretStore = {
      kind: 'keychain',
      get: async () => undefined,
      set: async () => {
        throw new Error('no keychain');
      },
      delete: async () => false,
    };
    const service = new AccountService(new AccountSettings(openSettingsFile(dir)), broken);
    await expect(service.add(input)).rejects.toThrow();
    expect(service.list()).toEqual([]);
  });

  it('removes the password together with the account', async () => {
    const secrets = new MemorySecretStore();
    const service = new AccountService(new AccountSettings(openSettingsFile(dir)), secrets);
    const account = await service.add(input);
    expect(await service.remove(account.id)).toBe(true);
    expect(service.list()).toEqual([]);
    expect(await secrets.get(passwordKey(account.id))).toBeUndefined();
  });
});
