import { afterEach, describe, expect, it } from 'vitest';
import { inMemoryService, newProfile, testbedAccount, value } from '../../support/accounts.js';

/**
 * While the window loads, main asks what the window will ask first (MailService.prepareFirstScreen),
 * so that the store and the handlers are warm when it does; it asks nothing more.
 */
const apps: ReturnType<typeof inMemoryService>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

/** The service's requests, as the dispatcher hands them to the handlers. */
function recordRequests(app: ReturnType<typeof inMemoryService>) {
  const asked: [string, unknown][] = [];
  const handlers = app.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  for (const [channel, handler] of Object.entries(handlers)) {
    handlers[channel] = (input) => {
      asked.push([channel, input]);
      return handler(input);
    };
  }
  return asked;
}

describe('preparing the first screen', () => {
  it('asks the accounts, the first one’s folders and the first page of its Inbox, as the window will, and nothing else', async () => {
    const profile = newProfile();
    const first = inMemoryService({}, profile);
    apps.push(first);
    const bob = value(await first.client.invoke('accounts.add', testbedAccount('bob')));
    await first.stop();

    const restarted = inMemoryService({}, profile);
    apps.push(restarted);
    const asked = recordRequests(restarted);
    await restarted.prepareFirstScreen();
    expect(asked.map(([channel]) => channel).sort()).toEqual(['accounts.list', 'folders.list', 'messages.list']);
    expect(asked.find(([channel]) => channel === 'messages.list')![1]).toMatchObject({ accountId: bob.id, folder: 'INBOX', limit: 200, sort: 'date', threads: false });
    // What the window then asks is answered from what is ready.
    expect(value(await restarted.client.invoke('folders.list', { accountId: bob.id })).map((f) => f.path)).toContain('INBOX');
  });

  it('with no account, asks for the accounts only', async () => {
    const app = inMemoryService();
    apps.push(app);
    const asked = recordRequests(app);
    await app.prepareFirstScreen();
    expect(asked).toEqual([['accounts.list', {}]]);
  });
});
