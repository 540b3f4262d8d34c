import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSecretStore } from '../../../main/accounts/open-secret-store.js';
import { SafeStorageSecretStore, SECRETS_FILE } from '../../../main/accounts/safe-storage-secret-store.js';
import { MemorySecretStore, type SecretStore } from '../../../main/accounts/secret-store.js';
import { openCheckedSettingsFile } from '../../../main/accounts/settings-store.js';
import { safeStorageFallback } from '../../../main/electron/safe-storage.js';
import { createMailService } from '../../../main/service.js';
import { FAST_RETRY, settled, testbedAccount, value } from '../../support/accounts.js';
import { user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';
import { fakeSafeStorage } from './support/fake-safe-storage.js';

/**
 * A whole journey (add an account, send, receive, restart) with no keychain: the desktop app's
 * encrypted-file fallback (safeStorage, here its stand-in), then the in-memory one that asks for
 * the password again after a restart. Afterwards the profile folder and everything logged are
 * searched for the password: it must be in neither, the encrypted file included.
 */
const noKeychain = async (): Promise<SecretStore> => {
  throw new Error('no Secret Service in this session');
};

let logged = '';
const write = process.stderr.write.bind(process.stderr);
const logLevel = process.env.MUA_LOG;
beforeAll(() => {
  // Every log line the app writes, captured (the logger is on for this file).
  process.env.MUA_LOG = 'info';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    logged += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
});
afterAll(() => {
  process.stderr.write = write;
  process.env.MUA_LOG = logLevel;
});

const profiles: string[] = [];
const running: Array<ReturnType<typeof createMailService>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(() => profiles.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function start(profileDir: string, secrets: SecretStore) {
  const profile = { settingsFile: openCheckedSettingsFile(profileDir).file, secrets, outboxDir: join(profileDir, 'outbox'), storeDir: profileDir };
  const service = createMailService({ ...profile, outbox: { undoDelayMs: 0, retry: FAST_RETRY }, sync: { idle: false, prefetchDays: 0, syncAllFolders: false } });
  service.start();
  running.push(service);
  return Object.assign(service, { profile });
}

async function receive(app: ReturnType<typeof start>, accountId: string, subject: string) {
  return waitFor(
    async () => {
      await app.client.invoke('folder.sync', { accountId, folder: 'INBOX' });
      const listed = await app.client.invoke('messages.list', { accountId, folder: 'INBOX', limit: 100 });
      return listed.ok ? listed.value.find((m) => m.subject === subject) : undefined;
    },
    `“${subject}” in the Inbox`,
    20_000,
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('no keychain: the encrypted file (safeStorage)', () => {
  it('adds, sends, receives and restarts with the password only in the encrypted file, never in plain text', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'mua-fallback-'));
    profiles.push(profileDir);
    const safeStorage = fakeSafeStorage();
    const opened = await openSecretStore({ openKeychain: noKeychain, fallback: safeStorageFallback(safeStorage, profileDir, 'darwin') });
    expect(opened.store.kind).toBe('encrypted-file');
    const app = start(profileDir, opened.store);
    expect(value(await app.client.invoke('app.status', {})).secretStorage).toMatchObject({ kind: 'encrypted-file', notice: expect.stringMatching(/encrypted file/) });

    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const subject = `Fallback journey ${randomUUID()}`;
    const queued = value(await app.client.invoke('mail.send', { accountId: alice.id, to: [alice.email], subject, text: 'Kept safe.' }));
    expect((await settled(app, queued.id)).state).toBe('sent');
    await receive(app, alice.id, subject);
    await app.stop();

    // A restart: the same OS key opens the same file.
    const again = start(profileDir, (await openSecretStore({ openKeychain: noKeychain, fallback: safeStorageFallback(safeStorage, profileDir, 'darwin') })).store);
    await receive(again, alice.id, subject);
    await again.stop();

    expect(existsSync(join(profileDir, SECRETS_FILE))).toBe(true);
    const password = user('alice').password;
    const files = filesUnder(profileDir);
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(password)), file).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(password).toString('base64'))), file).toBe(false);
    }
    expect(logged).not.toContain(password);
    expect(logged).toContain('secrets kept outside the keychain');
  });
});

describe('no keychain and no safeStorage: memory for the session', () => {
  it('asks for the password again after a restart, and goes on once it is entered', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'mua-memory-'));
    profiles.push(profileDir);
    const first = start(profileDir, (await openSecretStore({ openKeychain: noKeychain, fallback: () => undefined })).store);
    const alice = value(await first.client.invoke('accounts.add', testbedAccount('alice')));
    value(await first.client.invoke('folder.sync', { accountId: alice.id, folder: 'INBOX' }));
    await first.stop();

    const second = start(profileDir, new MemorySecretStore());
    const refused = await second.client.invoke('folder.sync', { accountId: alice.id, folder: 'INBOX' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({ code: 'AUTH_FAILED', details: { passwordMissing: 'true', accountId: alice.id } });
    value(await second.client.invoke('accounts.setPassword', { accountId: alice.id, password: user('alice').password }));
    expect((await second.client.invoke('folder.sync', { accountId: alice.id, folder: 'INBOX' })).ok).toBe(true);

    for (const file of filesUnder(profileDir)) expect(readFileSync(file).includes(Buffer.from(user('alice').password)), file).toBe(false);
    expect(logged).not.toContain(user('alice').password);
  });
});

describe('a stored password that can no longer be read', () => {
  /** Alice added and synced with one safeStorage key; the service then starts over `secrets`. */
  async function restartedWith(secretsAfter: (profileDir: string) => SecretStore, spoil?: (file: string) => void) {
    const profileDir = mkdtempSync(join(tmpdir(), 'mua-unreadable-'));
    profiles.push(profileDir);
    const first = start(profileDir, new SafeStorageSecretStore(join(profileDir, SECRETS_FILE), fakeSafeStorage()));
    const alice = value(await first.client.invoke('accounts.add', testbedAccount('alice')));
    value(await first.client.invoke('folder.sync', { accountId: alice.id, folder: 'INBOX' }));
    await first.stop();
    spoil?.(join(profileDir, SECRETS_FILE));
    return { app: start(profileDir, secretsAfter(profileDir)), alice, profileDir };
  }

  async function expectPromptThenRecovery(app: ReturnType<typeof start>, accountId: string, why: RegExp) {
    const refused = await app.client.invoke('folder.sync', { accountId, folder: 'INBOX' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    // The renderer's "Password" / "Save password" prompt is offered for exactly this error.
    expect(refused.error).toMatchObject({ code: 'AUTH_FAILED', details: { passwordMissing: 'true', accountId, reason: 'unreadable' } });
    expect(refused.error.message).toMatch(why);
    expect(refused.error.message).toMatch(/Enter the password again to go on\.$/);
    value(await app.client.invoke('accounts.setPassword', { accountId, password: user('alice').password }));
    expect((await app.client.invoke('folder.sync', { accountId, folder: 'INBOX' })).ok).toBe(true);
  }

  it('encrypted under another key (the profile copied to another computer): asks for it again, then goes on', async () => {
    const { app, alice } = await restartedWith((dir) => new SafeStorageSecretStore(join(dir, SECRETS_FILE), fakeSafeStorage()));
    await expectPromptThenRecovery(app, alice.id, /encrypted with a key this computer no longer has/);
  });

  it('a damaged secrets file: asks for it again, and keeps the new one in a new file with the damaged one set aside', async () => {
    const { app, alice, profileDir } = await restartedWith(
      (dir) => new SafeStorageSecretStore(join(dir, SECRETS_FILE), fakeSafeStorage()),
      (file) => writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40)),
    );
    await expectPromptThenRecovery(app, alice.id, /the file it was kept in \(secrets\.enc\.json in the profile folder\) is damaged/);
    expect(readdirSync(profileDir).filter((name) => name.startsWith(`${SECRETS_FILE}.damaged-`))).toHaveLength(1);
    for (const file of filesUnder(profileDir)) expect(readFileSync(file).includes(Buffer.from(user('alice').password)), file).toBe(false);
  });
});
