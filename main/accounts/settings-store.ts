import Conf from 'conf';
import { accountSchema, type Account } from '../../shared/schemas.js';
import { log } from '../log.js';
import { checkSettingsFile, type SettingsProblem } from './settings-file-check.js';
import { CURRENT_SETTINGS_VERSION } from './settings-migrations.js';

/**
 * The part of electron-store / conf the app uses. electron-store is conf with Electron's
 * user-data folder as its default, so the desktop shell passes an ElectronStore and plain Node
 * (web mode, tests) a Conf over the same file format.
 */
export interface KeyValueFile {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

type SettingsShape = { version: number; accounts: Account[] };

export const SETTINGS_FILE = 'settings';

/** A new settings file: the current version (settings-migrations.ts), no accounts. */
export const SETTINGS_DEFAULTS: SettingsShape = { version: CURRENT_SETTINGS_VERSION, accounts: [] };

/**
 * The settings file of web mode and the tests, checked first (checkSettingsFile): a corrupt one
 * is put aside and the problem returned for the person to see; an older one is migrated.
 */
export function openCheckedSettingsFile(dataDir: string): { file: KeyValueFile; problem?: SettingsProblem } {
  const { problem } = checkSettingsFile(dataDir, SETTINGS_FILE);
  const file = new Conf<SettingsShape>({
    cwd: dataDir,
    configName: SETTINGS_FILE,
    projectName: 'mua',
    projectSuffix: '',
    defaults: SETTINGS_DEFAULTS,
  });
  return problem ? { file, problem } : { file };
}

export function openSettingsFile(dataDir: string): KeyValueFile {
  return openCheckedSettingsFile(dataDir).file;
}

/** Account settings (never passwords: those go to the SecretStore). */
export class AccountSettings {
  constructor(private readonly file: KeyValueFile) {}

  list(): Account[] {
    const raw = this.file.get('accounts');
    if (!Array.isArray(raw)) return [];
    const accounts: Account[] = [];
    for (const entry of raw) {
      const parsed = accountSchema.safeParse(entry);
      if (parsed.success) accounts.push(parsed.data);
      else log.warn('skipping an account entry that does not match the schema');
    }
    return accounts;
  }

  get(id: string): Account | undefined {
    return this.list().find((a) => a.id === id);
  }

  save(account: Account): void {
    const others = this.list().filter((a) => a.id !== account.id);
    this.file.set('accounts', [...others, accountSchema.parse(account)]);
  }

  remove(id: string): boolean {
    const all = this.list();
    const kept = all.filter((a) => a.id !== id);
    this.file.set('accounts', kept);
    return kept.length !== all.length;
  }
}
