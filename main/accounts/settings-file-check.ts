import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { accountSchema } from '../../shared/schemas.js';
import { log } from '../log.js';
import { CURRENT_SETTINGS_VERSION, migrateSettings, type SettingsData } from './settings-migrations.js';

/** A settings file that could not be used: where it was put aside, and why, for the person to see. */
export type SettingsProblem = { message: string; backupFile: string };

const fileShape = z.looseObject({
  version: z.number().int().min(1).default(1),
  accounts: z.array(z.unknown()).default([]),
});

/**
 * Runs before electron-store / conf opens the settings file (which would throw on bad JSON, or
 * silently start afresh with clearInvalidConfig). A file that is not JSON, does not match the
 * schema (an account included), or was written by a newer version is renamed to
 * `<name>.json.corrupt-<timestamp>` and reported, never deleted; conf then starts a new one. An
 * older file is migrated (settings-migrations.ts) and written back atomically.
 */
export function checkSettingsFile(dir: string, name: string, now: () => Date = () => new Date()): { problem?: SettingsProblem } {
  const path = join(dir, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const putAside = (why: string) => ({ problem: backUp(path, why, now()) });

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return putAside('it is not valid JSON');
  }
  const shaped = fileShape.safeParse(raw);
  if (!shaped.success) return putAside('it does not have the expected shape');
  const data = shaped.data as SettingsData;
  if (data.version > CURRENT_SETTINGS_VERSION) return putAside(`it was written by a newer version of the app (settings version ${data.version})`);

  const migrated = data.version < CURRENT_SETTINGS_VERSION ? migrateSettings(data) : data;
  const badAccount = migrated.accounts.findIndex((entry) => !accountSchema.safeParse(entry).success);
  if (badAccount >= 0) return putAside(`account ${badAccount + 1} in it does not match the schema`);

  if (migrated !== data) {
    const temporary = `${path}.tmp`;
    writeFileSync(temporary, JSON.stringify(migrated, null, '\t'), { mode: 0o600 });
    renameSync(temporary, path);
    log.info('settings migrated', { from: data.version, to: migrated.version });
  }
  return {};
}

function backUp(path: string, why: string, at: Date): SettingsProblem {
  const backupFile = `${path}.corrupt-${at.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, backupFile);
  log.error('settings file put aside', { why, backupFile });
  return {
    message: `The settings file could not be used because ${why}. It was kept as ${backupFile}, and the app started with new settings.`,
    backupFile,
  };
}
