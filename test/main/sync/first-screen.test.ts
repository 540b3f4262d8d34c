import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSettingsFile } from '../../../main/accounts/settings-store.js';
import { MemorySecretStore } from '../../../main/accounts/secret-store.js';
import { inMemoryService, newProfile, testbedAccount, value } from '../../support/accounts.js';
import { seedProfile } from '../../support/seeded-profile.js';

/**
 * While the window loads, main reads what the window will show first (MailService.prepareFirstScreen),
 * so that the store and the contract's checks are warm when it asks; it only reads: nothing it
 * does may reach a server, or a failure there would happen before the window could hear of it.
 */
const apps: ReturnType<typeof inMemoryService>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

/** Every request the service's handlers are given (each may reach a server), and the store's list reads. */
function record(app: ReturnType<typeof inMemoryService>) {
  const asked: string[] = [];
  const handlers = app.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  for (const [channel, handler] of Object.entries(handlers)) {
    handlers[channel] = (input) => {
      asked.push(channel);
      return handler(input);
    };
  }
  const listed: { folderId: number; limit: number | undefined }[] = [];
  const listMessages = app.store.listMessages.bind(app.store);
  app.store.listMessages = (folderId, options) => {
    listed.push({ folderId, limit: options?.limit });
    return listMessages(folderId, options);
  };
  return { asked, listed };
}

/** A service on a profile of three messages in alice's Inbox, the newest `cached` with their source kept in the store. */
function seededService({ cached }: { cached: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'mua-first-screen-'));
  seedProfile(dir, { count: 3, cached });
  const app = inMemoryService({}, { settingsFile: openSettingsFile(dir), secrets: new MemorySecretStore(), outboxDir: join(dir, 'outbox'), storeDir: dir });
  apps.push(app);
  return app;
}

describe('preparing the first screen', () => {
  it('reads the first page of the first account’s Inbox from the store, and asks no handler (any of them may reach a server)', async () => {
    const profile = newProfile();
    const first = inMemoryService({}, profile);
    apps.push(first);
    const bob = value(await first.client.invoke('accounts.add', testbedAccount('bob')));
    value(await first.client.invoke('messages.list', { accountId: bob.id, folder: 'INBOX' }));
    await first.stop();

    const restarted = inMemoryService({}, profile);
    apps.push(restarted);
    const { asked, listed } = record(restarted);
    await restarted.prepareFirstScreen();
    expect(asked).toEqual([]);
    expect(listed).toEqual([{ folderId: restarted.store.folderByPath(bob.id, 'INBOX')!.id, limit: 200 }]);
  });

  it('with no account, reads nothing', async () => {
    const app = inMemoryService();
    apps.push(app);
    const { asked, listed } = record(app);
    expect(await app.prepareFirstScreen()).toEqual({});
    expect([asked, listed]).toEqual([[], []]);
  });

  it('parses the newest message from its kept source, as opening it would, and keeps nothing: no body written, its flags as they were', async () => {
    const app = seededService({ cached: 1 });
    const [account] = value(await app.client.invoke('accounts.list', {}));
    const inbox = app.store.folderByPath(account!.id, 'INBOX')!;
    const before = app.store.message(inbox.id, 3)!;
    expect(before.bodyText).toBeNull();

    const { asked } = record(app);
    expect(await app.prepareFirstScreen()).toEqual({ parsed: 3 });
    expect(asked).toEqual([]);
    expect(app.store.message(inbox.id, 3)).toEqual(before);
  });

  it('parses nothing when the newest message has no kept source (it would have to be fetched)', async () => {
    const app = seededService({ cached: 0 });
    const { asked } = record(app);
    expect(await app.prepareFirstScreen()).toEqual({});
    expect(asked).toEqual([]);
  });
});
