import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { connectImap } from '../../../main/imap/connect.js';
import type { EventPayload } from '../../../shared/contract.js';
import type { Account } from '../../../shared/schemas.js';
import { inMemoryService, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { user, type TestbedUserName } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** Sends a message from one account to a test bed user's, and waits (5 s at most) for mail.arrived on theirs. */
async function sendAndAwaitArrival(app: ReturnType<typeof inMemoryService>, fromId: string, toId: string, to: TestbedUserName) {
  const arrivals: { at: number; payload: EventPayload<'mail.arrived'> }[] = [];
  app.client.on('mail.arrived', (payload) => arrivals.push({ at: Date.now(), payload }));
  const subject = `New ${randomUUID()}`;
  const sent = await sendAndSettle(app, { accountId: fromId, to: [user(to).email], subject, text: 'hi' });
  const arrival = await waitFor(async () => arrivals.find((a) => a.payload.accountId === toId), `mail.arrived for ${to}`, 5_000);
  return { arrival, acceptedAt: Date.parse(sent.sentAt!), subject };
}

describe('new mail in the Inbox', () => {
  it('is announced within 2 s of its delivery, over IDLE, once the Inbox has been read', async () => {
    const app = inMemoryService();
    stops.push(() => app.stop());
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const carol = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
    value(await app.client.invoke('messages.list', { accountId: carol.id }));
    // Give the watcher its moment to connect and enter IDLE.
    await new Promise((r) => setTimeout(r, 1000));

    const { arrival, acceptedAt, subject } = await sendAndAwaitArrival(app, alice.id, carol.id, 'carol');
    expect(arrival.payload.folder).toBe('INBOX');
    // From Postfix's 250 to the event: delivery through LMTP plus the IDLE notice.
    expect(arrival.at - acceptedAt).toBeLessThan(2_000);
    const list = value(await app.client.invoke('messages.list', { accountId: carol.id }));
    expect(list.some((m) => m.subject === subject)).toBe(true);
    // The account says so: new mail is pushed to it.
    expect(value(await app.client.invoke('accounts.capabilities', { accountId: carol.id })).push).toBe(true);
  });

  it('is not watched for an account whose Inbox was never read', async () => {
    const app = inMemoryService();
    stops.push(() => app.stop());
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    value(await app.client.invoke('accounts.add', testbedAccount('bob')));
    const arrivals: unknown[] = [];
    app.client.on('mail.arrived', (payload) => arrivals.push(payload));
    await sendAndSettle(app, { accountId: alice.id, to: [user('bob').email], subject: 'unwatched', text: 'x' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(arrivals).toEqual([]);
  });
});

describe('new mail in the Inbox, where the server has no IDLE', () => {
  it('is found by polling the Inbox (every inboxPollMs), and the account says it has no push', async () => {
    // heidi's Dovecot session announces every capability but IDLE (test/testbed/testbed.sh).
    const heidiInput = testbedAccount('heidi');
    const direct = await connectImap({ ...heidiInput, id: 'heidi-direct' } as unknown as Account, heidiInput.password);
    try {
      expect(direct.capabilities.has('IMAP4rev1')).toBe(true);
      expect(direct.capabilities.has('IDLE')).toBe(false);
    } finally {
      await direct.logout();
    }

    // Folders are resynced every 5 minutes (the default): only the Inbox poll can bring the mail in time.
    const app = inMemoryService({}, undefined, { inboxPollMs: 500 });
    stops.push(() => app.stop());
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const heidi = value(await app.client.invoke('accounts.add', heidiInput));
    value(await app.client.invoke('messages.list', { accountId: heidi.id }));
    // The watcher connects, finds no IDLE, and polls instead.
    await waitFor(
      async () => (value(await app.client.invoke('accounts.capabilities', { accountId: heidi.id })).push ? undefined : true),
      'push: false for heidi',
      5_000,
    );

    const { arrival, acceptedAt, subject } = await sendAndAwaitArrival(app, alice.id, heidi.id, 'heidi');
    expect(arrival.payload.folder).toBe('INBOX');
    // Delivery, then within one poll (0.5 s) and a sync; imapflow's own fallback would take 2 minutes.
    expect(arrival.at - acceptedAt).toBeLessThan(3_000);
    const list = value(await app.client.invoke('messages.list', { accountId: heidi.id }));
    expect(list.some((m) => m.subject === subject)).toBe(true);
  });
});
