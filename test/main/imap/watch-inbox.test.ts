import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../shared/contract.js';
import { inMemoryService, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('new mail in the Inbox', () => {
  it('is announced within 2 s of its delivery, over IDLE, once the Inbox has been read', async () => {
    const app = inMemoryService();
    stops.push(() => app.stop());
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const carol = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
    value(await app.client.invoke('messages.list', { accountId: carol.id }));
    // Give the watcher its moment to connect and enter IDLE.
    await new Promise((r) => setTimeout(r, 1000));

    const arrivals: { at: number; payload: EventPayload<'mail.arrived'> }[] = [];
    app.client.on('mail.arrived', (payload) => arrivals.push({ at: Date.now(), payload }));
    const subject = `Pushed ${randomUUID()}`;
    const sent = await sendAndSettle(app, { accountId: alice.id, to: [user('carol').email], subject, text: 'hi' });
    const acceptedAt = Date.parse(sent.sentAt!);

    const arrival = await waitFor(async () => arrivals.find((a) => a.payload.accountId === carol.id), 'mail.arrived', 5_000);
    expect(arrival.payload.folder).toBe('INBOX');
    // From Postfix's 250 to the event: delivery through LMTP plus the IDLE notice.
    expect(arrival.at - acceptedAt).toBeLessThan(2_000);
    const list = value(await app.client.invoke('messages.list', { accountId: carol.id }));
    expect(list.some((m) => m.subject === subject)).toBe(true);
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
