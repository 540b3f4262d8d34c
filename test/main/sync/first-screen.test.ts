import { afterEach, describe, expect, it } from 'vitest';
import { inMemoryService, newProfile, testbedAccount, value } from '../../support/accounts.js';

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
    restarted.prepareFirstScreen();
    expect(asked).toEqual([]);
    expect(listed).toEqual([{ folderId: restarted.store.folderByPath(bob.id, 'INBOX')!.id, limit: 200 }]);
  });

  it('with no account, reads nothing', async () => {
    const app = inMemoryService();
    apps.push(app);
    const { asked, listed } = record(app);
    app.prepareFirstScreen();
    expect([asked, listed]).toEqual([[], []]);
  });
});
