import { randomUUID } from 'node:crypto';

/** The settings file's shape version this app writes. */
export const CURRENT_SETTINGS_VERSION = 2;

export type SettingsData = { version: number; accounts: unknown[] } & Record<string, unknown>;

type Migration = (data: SettingsData) => SettingsData;

/**
 * One step per version, keyed by the version it leads to; each takes the data of the version
 * before. Steps never throw on odd entries: they leave them for the schema check after them.
 */
export const SETTINGS_MIGRATIONS: Record<number, Migration> = {
  // 2: accounts send as identities; each existing account gets one from its own name and address.
  2: (data) => ({
    ...data,
    version: 2,
    accounts: data.accounts.map((entry) => {
      if (!isRecord(entry) || Array.isArray(entry.identities)) return entry;
      return { ...entry, identities: [{ id: randomUUID(), name: entry.name, email: entry.email }] };
    }),
  }),
};

/** Brings data of any older version up to CURRENT_SETTINGS_VERSION, step by step. */
export function migrateSettings(data: SettingsData, migrations = SETTINGS_MIGRATIONS, target = CURRENT_SETTINGS_VERSION): SettingsData {
  let current = data;
  for (let version = current.version + 1; version <= target; version++) {
    const step = migrations[version];
    current = step ? step(current) : { ...current, version };
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
