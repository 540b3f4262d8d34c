import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSettingsFile } from '../../../main/accounts/settings-file-check.js';
import { CURRENT_SETTINGS_VERSION, migrateSettings } from '../../../main/accounts/settings-migrations.js';
import { AccountSettings, openCheckedSettingsFile } from '../../../main/accounts/settings-store.js';

process.env.MUA_LOG = 'silent';

const account = {
  id: 'account-0001',
  name: 'Alice',
  email: 'alice@example.org',
  imap: { host: 'imap.example.org', port: 993, security: 'tls' },
  smtp: { host: 'smtp.example.org', port: 465, security: 'tls' },
  sentCopy: 'append',
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mua-settings-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const settingsPath = () => join(dir, 'settings.json');
const at = () => new Date('2025-01-02T03:04:05.678Z');

describe('the settings file at start', () => {
  it('is left alone when missing or current', () => {
    expect(checkSettingsFile(dir, 'settings')).toEqual({});
    const current = JSON.stringify({ version: CURRENT_SETTINGS_VERSION, accounts: [{ ...account, identities: [{ id: 'identity-1', name: 'Alice', email: 'alice@example.org' }] }] });
    writeFileSync(settingsPath(), current);
    expect(checkSettingsFile(dir, 'settings')).toEqual({});
    expect(readFileSync(settingsPath(), 'utf8')).toBe(current);
  });

  it('backs up a file that is not JSON and reports it, never silently resetting', () => {
    writeFileSync(settingsPath(), '{"version": 2, "accounts": [');
    const { problem } = checkSettingsFile(dir, 'settings', at);
    expect(problem?.backupFile).toBe(join(dir, 'settings.json.corrupt-2025-01-02T03-04-05-678Z'));
    expect(problem?.message).toMatch(/not valid JSON/);
    expect(readFileSync(problem!.backupFile, 'utf8')).toBe('{"version": 2, "accounts": [');
    expect(existsSync(settingsPath())).toBe(false);
  });

  it('backs up a file that fails the schema (a wrong shape, a bad account, a newer version)', () => {
    for (const [content, reason] of [
      [{ version: 'two', accounts: {} }, /expected shape/],
      [{ version: 2, accounts: [{ ...account, smtp: { host: 'smtp.example.org', port: 99999, security: 'tls' } }] }, /account 1/],
      [{ version: CURRENT_SETTINGS_VERSION + 1, accounts: [] }, /newer version/],
    ] as const) {
      writeFileSync(settingsPath(), JSON.stringify(content));
      const { problem } = checkSettingsFile(dir, 'settings', () => new Date());
      expect(problem?.message).toMatch(reason);
      expect(JSON.parse(readFileSync(problem!.backupFile, 'utf8'))).toEqual(content);
      rmSync(problem!.backupFile);
    }
  });

  it('migrates version 1 to the current version: each account gets an identity from its name and address', () => {
    writeFileSync(settingsPath(), JSON.stringify({ version: 1, accounts: [account], undoSendSeconds: 10 }));
    expect(checkSettingsFile(dir, 'settings')).toEqual({});
    const migrated = JSON.parse(readFileSync(settingsPath(), 'utf8'));
    expect(migrated.version).toBe(CURRENT_SETTINGS_VERSION);
    expect(migrated.undoSendSeconds).toBe(10);
    expect(migrated.accounts[0].identities).toEqual([{ id: expect.any(String), name: 'Alice', email: 'alice@example.org' }]);
    // Once only.
    expect(checkSettingsFile(dir, 'settings')).toEqual({});
    expect(JSON.parse(readFileSync(settingsPath(), 'utf8'))).toEqual(migrated);
  });

  it('runs migrations in order, one step per version', () => {
    const steps: number[] = [];
    const migrations = {
      2: (d: { version: number; accounts: unknown[] }) => (steps.push(2), { ...d, version: 2 }),
      3: (d: { version: number; accounts: unknown[] }) => (steps.push(3), { ...d, version: 3, added: true }),
    };
    expect(migrateSettings({ version: 1, accounts: [] }, migrations, 3)).toEqual({ version: 3, accounts: [], added: true });
    expect(steps).toEqual([2, 3]);
  });

  it('opens a fresh file after a corrupt one, and reports where the old one went', () => {
    writeFileSync(settingsPath(), 'not json at all');
    const { file, problem } = openCheckedSettingsFile(dir);
    expect(problem).toBeDefined();
    expect(new AccountSettings(file).list()).toEqual([]);
    expect(file.get('version')).toBe(CURRENT_SETTINGS_VERSION);
    expect(readdirSync(dir).filter((n) => n.startsWith('settings.json.corrupt-'))).toHaveLength(1);
  });
});
