import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../main/outbox/outbox.js';
import { outgoingMessageSchema } from '../../../shared/schemas.js';
import { FAST_RETRY, inMemoryService, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { testAccount } from '../../support/test-account.js';
import { user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('the copy in Sent', () => {
  it('is filed in the account’s Sent folder over IMAP, marked read, after the server accepts', async () => {
    const app = inMemoryService();
    stops.push(() => app.stop());
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const subject = `Filed ${randomUUID()}`;
    const sent = await sendAndSettle(app, { accountId: alice.id, to: [user('bob').email], subject, text: 'copy me' });
    expect(sent.state).toBe('sent');
    const filed = await waitFor(async () => {
      const item = app.outbox.list().find((i) => i.id === sent.id);
      return item?.sentCopy === 'filed' ? item : undefined;
    }, 'the Sent copy');
    expect(filed.sentCopy).toBe('filed');
    const inSent = value(await app.client.invoke('messages.list', { accountId: alice.id, folder: 'Sent' }));
    const copy = inSent.filter((m) => m.subject === subject);
    expect(copy).toHaveLength(1);
    expect(copy[0]).toMatchObject({ unread: false, messageId: sent.messageId });
  });

  it('joins the local copy of Sent at once, for search and conversations, and is announced as no new mail', async () => {
    const app = inMemoryService();
    stops.push(() => app.stop());
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    // Sent synced once already: the copy then arrives in a resync, as new UIDs do.
    value(await app.client.invoke('messages.list', { accountId: alice.id, folder: 'Sent' }));
    const arrivals: { folder: string }[] = [];
    app.client.on('mail.arrived', (arrival) => arrivals.push(arrival));
    const subject = `Findable ${randomUUID().slice(0, 8)}`;
    await sendAndSettle(app, { accountId: alice.id, to: [user('bob').email], subject, text: 'copy me' });
    // Nobody opens Sent: a search over the store alone finds the copy there.
    const found = await waitFor(async () => {
      const reply = value(await app.client.invoke('messages.search', { accountId: alice.id, query: `subject:${subject.split(' ')[1]}`, limit: 10 }));
      return reply.messages.find((m) => m.folder === 'Sent');
    }, 'the sent copy in the local store', 10_000);
    expect(found.subject).toBe(subject);
    expect(arrivals.filter((a) => a.folder === 'Sent')).toEqual([]);
  });

  it('is not filed when the account says its provider files sent mail itself', async () => {
    const app = inMemoryService();
    stops.push(() => app.stop());
    const alice = value(await app.client.invoke('accounts.add', { ...testbedAccount('alice'), sentCopy: 'provider' }));
    const subject = `Not filed ${randomUUID()}`;
    const sent = await sendAndSettle(app, { accountId: alice.id, to: [user('bob').email], subject, text: 'x' });
    await waitFor(async () => app.outbox.list().find((i) => i.id === sent.id && i.sentCopy === 'not-needed'), 'the decision');
    const inSent = value(await app.client.invoke('messages.list', { accountId: alice.id, folder: 'Sent' }));
    expect(inSent.filter((m) => m.subject === subject)).toEqual([]);
  });

  it('is retried when APPEND fails, and the message is never sent again', async () => {
    // Sending and filing are stand-ins here: the account's servers are never reached.
    const account = testAccount({ id: 'acc_sentcopy1' });
    let sends = 0;
    let appends = 0;
    const outbox = new Outbox({
      dir: mkdtempSync(join(tmpdir(), 'mua-outbox-')),
      credentials: async () => ({ account, password: 'pw' }),
      send: async () => {
        sends++;
        return { accepted: ['bob@example.test'], rejected: [], reply: '250 2.0.0 Ok' };
      },
      fileSentCopy: async () => {
        if (++appends < 3) throw new Error('NO [TRYCREATE] server busy');
      },
      undoDelayMs: 0,
      retry: FAST_RETRY,
    });
    stops.push(() => outbox.stop());
    outbox.start();
    const item = await outbox.enqueue(account, outgoingMessageSchema.parse({ accountId: account.id, to: ['bob@example.test'], subject: 'x', text: 'x' }));
    await waitFor(async () => outbox.list().find((i) => i.id === item.id && i.sentCopy === 'filed'), 'the copy to be filed');
    expect(appends).toBe(3);
    expect(sends).toBe(1);
  });
});
