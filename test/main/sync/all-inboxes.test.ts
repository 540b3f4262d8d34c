import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventPayload, RequestOutput } from '../../../shared/contract.js';
import { newProfile, testbedAccount, value } from '../../support/accounts.js';
import { carolThroughProxy, directConnection, type App } from '../../support/carol-through-proxy.js';
import { rawMessage } from '../../support/mailbox-state.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * All inboxes (messages.listInboxes) through the whole service, against the test bed: Carol's
 * account through the fault proxy, Alice's and Bob's straight to Dovecot. Other test files
 * deliver to the same Inboxes meanwhile, so only this file's own messages (tagged) are counted;
 * the order is checked on every row.
 */
const bed = carolThroughProxy();
type Row = RequestOutput<'messages.listInboxes'>[number];

async function deliver(who: 'alice' | 'bob' | 'carol', subject: string, minutesAgo: number): Promise<void> {
  const client = who === 'carol' ? bed.direct : await directConnection(who);
  try {
    await client.append('INBOX', rawMessage(1, { subject, minutesAgo }), [], new Date(Date.now() - minutesAgo * 60_000));
  } finally {
    if (who !== 'carol') await client.logout();
  }
}

async function threeAccounts(app: App) {
  const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
  const bob = value(await app.client.invoke('accounts.add', testbedAccount('bob')));
  return { alice, bob };
}

const listAll = async (app: App, limit = 500, before?: Row) =>
  value(
    await app.client.invoke('messages.listInboxes', {
      limit,
      ...(before ? { before: { receivedAt: before.receivedAt, accountId: before.accountId, uid: before.uid } } : {}),
    }),
  );

const key = (m: Row) => `${m.accountId}:${m.uid}`;

describe('All inboxes', () => {
  it('lists every account’s Inbox as one list, newest first, each row saying its account; pages by cursor; opens in its own account', async () => {
    const tag = `AllInboxes-${randomUUID().slice(0, 8)}`;
    await deliver('alice', `${tag} A1`, 30);
    await deliver('carol', `${tag} C1`, 25);
    await deliver('bob', `${tag} B1`, 20);
    await deliver('alice', `${tag} A2`, 10);
    const { app, account: carol } = await bed.app();
    const { alice, bob } = await threeAccounts(app);

    const all = await listAll(app);
    const mine = all.filter((m) => m.subject.startsWith(tag));
    expect(mine.map((m) => [m.subject.slice(tag.length + 1), m.accountId, m.folder])).toEqual([
      ['A2', alice.id, 'INBOX'],
      ['B1', bob.id, 'INBOX'],
      ['C1', carol.id, 'INBOX'],
      ['A1', alice.id, 'INBOX'],
    ]);
    for (let i = 1; i < all.length; i++) expect(all[i]!.receivedAt).toBeLessThanOrEqual(all[i - 1]!.receivedAt);
    expect(new Set(all.map(key)).size).toBe(all.length);

    // Page by page, two at a time: the same rows, none skipped or repeated.
    const paged: Row[] = [];
    for (let page = await listAll(app, 2); page.length > 0; page = await listAll(app, 2, paged.at(-1))) paged.push(...page);
    expect(paged.map(key)).toEqual(all.map(key));

    const b1 = mine[1]!;
    const opened = value(await app.client.invoke('message.open', { accountId: b1.accountId, folder: b1.folder, uid: b1.uid }));
    expect(opened.subject).toBe(`${tag} B1`);
    // Opening marked it read in Bob's Inbox, which the list shows.
    expect((await listAll(app)).find((m) => key(m) === key(b1))?.unread).toBe(false);
  });

  it('leaves out an account whose server is out of reach, says why with sync.failed, and lists the others', async () => {
    const tag = `AllInboxesOffline-${randomUUID().slice(0, 8)}`;
    await deliver('alice', `${tag} A1`, 1);
    const { app, account: carol } = await bed.app({}, newProfile());
    const { alice } = await threeAccounts(app);
    const failures: EventPayload<'sync.failed'>[] = [];
    app.client.on('sync.failed', (f) => failures.push(f));
    bed.proxy.refuse();
    bed.proxy.cutAll();

    const all = await listAll(app);
    expect(all.filter((m) => m.subject.startsWith(tag)).map((m) => m.accountId)).toEqual([alice.id]);
    expect(all.some((m) => m.accountId === carol.id)).toBe(false);
    const failure = await waitFor(async () => failures.find((f) => f.accountId === carol.id), 'sync.failed for Carol');
    expect(failure).toMatchObject({ folder: 'INBOX', error: { code: expect.stringMatching(/CONNECTION_(REFUSED|LOST)/) } });
    expect(failure.error.message.length).toBeGreaterThan(20);
  });

  it('is searched in every account at once (messages.searchAll): newest first across them, each saying its account, the limit kept', async () => {
    const tag = `AllInboxesSearch${randomUUID().slice(0, 8)}`;
    await deliver('bob', `${tag} B1`, 40);
    await deliver('alice', `${tag} A1`, 30);
    await deliver('carol', `${tag} C1`, 20);
    await deliver('bob', `${tag} B2`, 10);
    await deliver('alice', `Unrelated ${randomUUID().slice(0, 8)}`, 5);
    const { app, account: carol } = await bed.app({}, newProfile());
    const { alice, bob } = await threeAccounts(app);
    // The Inboxes are read once, as All inboxes does, so their copies are in the store.
    await listAll(app);

    const found = value(await app.client.invoke('messages.searchAll', { query: tag }));
    expect(found.messages.map((m) => [m.subject.slice(tag.length + 1), m.accountId, m.folder])).toEqual([
      ['B2', bob.id, 'INBOX'],
      ['C1', carol.id, 'INBOX'],
      ['A1', alice.id, 'INBOX'],
      ['B1', bob.id, 'INBOX'],
    ]);
    const two = value(await app.client.invoke('messages.searchAll', { query: tag, limit: 2 }));
    expect(two.messages.map((m) => m.subject.slice(tag.length + 1))).toEqual(['B2', 'C1']);
    // A result opens in its own account.
    const c1 = found.messages[1]!;
    expect(value(await app.client.invoke('message.open', { accountId: c1.accountId, folder: c1.folder, uid: c1.uid })).subject).toBe(`${tag} C1`);

    // An account removed is searched no more.
    value(await app.client.invoke('accounts.remove', { accountId: bob.id }));
    const after = value(await app.client.invoke('messages.searchAll', { query: tag }));
    expect(after.messages.map((m) => m.subject.slice(tag.length + 1))).toEqual(['C1', 'A1']);

    for (const input of [{ query: tag, limit: 0 }, { query: tag, limit: 501 }, { query: 'x'.repeat(1001) }, { query: tag, accountId: alice.id }, {}]) {
      expect(await app.client.invoke('messages.searchAll', input as never)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });

  it('checks its input: a page size from 1 to 500, and a cursor with a real account id', async () => {
    const { app } = await bed.app();
    for (const input of [{ limit: 0 }, { limit: 501 }, { before: { receivedAt: 1, accountId: 'x', uid: 1 } }, { before: { receivedAt: 1, accountId: 'acc_12345678', uid: 0 } }, { folder: 'INBOX' }]) {
      const reply = await app.client.invoke('messages.listInboxes', input as never);
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });
});
