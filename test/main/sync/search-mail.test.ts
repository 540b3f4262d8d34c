import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageStore } from '../../../main/store/message-store.js';
import { indexAllPending } from '../../../main/store/store-writer.js';
import { searchEveryAccount, searchMail } from '../../../main/sync/search-mail.js';
import { message } from '../store/corpus.js';

it('never answers without the search entries a first sync left for later: the writer catches up first', async () => {
  const store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-search-')));
  const folderId = store.saveFolderList('acct', [
    { path: 'INBOX', name: 'Inbox', role: 'inbox', delimiter: '/', selectable: true, subscribed: true, total: null, unread: null },
  ])[0]!.id;
  store.applySync(folderId, { upsert: [message(7, { subject: 'Quarterly invoice' })], state: { oldestUid: 1, uidNext: 8 }, indexLater: true });
  let caughtUp = 0;
  const mail = {
    store,
    capabilities: () => ({ serverFolders: true, serverFlags: true, serverSearch: true, push: true }),
    searchServer: () => Promise.reject(new Error('the store holds the whole folder: no server is asked')),
    catchUpIndex: async () => {
      caughtUp++;
      indexAllPending(store);
    },
  };
  const found = await searchMail(mail, (m) => ({ uid: m.uid }) as never, { accountId: 'acct', folder: 'INBOX', query: 'invoice', limit: 10 });
  expect(found.messages.map((m) => m.uid)).toEqual([7]);
  expect(caughtUp).toBe(1);
  // Nothing left to write: the next search does not wait.
  await searchMail(mail, (m) => ({ uid: m.uid }) as never, { accountId: 'acct', query: 'invoice', limit: 10 });
  expect(caughtUp).toBe(1);
  store.close();
});

describe('searching every account (the search box in All inboxes)', () => {
  const at = (minute: number) => Date.UTC(2024, 2, 1) + minute * 60_000;
  const folder = (path: string, role: 'inbox' | 'sent' | null) => ({ path, name: path, role, delimiter: '/', selectable: true, subscribed: true, total: null, unread: null });

  /** Two accounts' folders in one store, and a third account (no longer set up) with a match of its own. */
  function twoAccounts() {
    const store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-search-all-')));
    const [aliceInbox, aliceSent] = store.saveFolderList('acc_alice123', [folder('INBOX', 'inbox'), folder('Sent', 'sent')]);
    const [bobInbox, bobReceipts] = store.saveFolderList('acc_bob12345', [folder('INBOX', 'inbox'), folder('Receipts', null)]);
    const [goneInbox] = store.saveFolderList('acc_gone1234', [folder('INBOX', 'inbox')]);
    // Both accounts have a uid 7: the results still tell them apart by account.
    store.upsertMessages(aliceInbox!.id, [message(7, { subject: 'Lunch with Bob', internalDate: at(10) }), message(8, { subject: 'Weekly report', internalDate: at(50) })]);
    store.upsertMessages(aliceSent!.id, [message(3, { subject: 'Re: Lunch tomorrow', internalDate: at(40) })]);
    store.upsertMessages(bobInbox!.id, [message(7, { subject: 'Lunch menu', internalDate: at(30) })]);
    store.upsertMessages(bobReceipts!.id, [message(2, { subject: 'Lunch receipt', internalDate: at(20) })]);
    store.upsertMessages(goneInbox!.id, [message(1, { subject: 'Lunch long ago', internalDate: at(60) })]);
    const mail = { store, catchUpIndex: async () => indexAllPending(store) };
    return { store, mail };
  }
  const summary = (m: Parameters<Parameters<typeof searchEveryAccount>[1]>[0]) => ({ uid: m.uid, subject: m.subject, receivedAt: m.internalDate }) as never;

  it('finds in every folder of the accounts given, newest first across them, each saying its account and folder', async () => {
    const { store, mail } = twoAccounts();
    const { messages } = await searchEveryAccount(mail, summary, ['acc_alice123', 'acc_bob12345'], { query: 'lunch', limit: 100 });
    expect(messages.map((m) => [m.subject, m.accountId, m.folder, m.uid])).toEqual([
      ['Re: Lunch tomorrow', 'acc_alice123', 'Sent', 3],
      ['Lunch menu', 'acc_bob12345', 'INBOX', 7],
      ['Lunch receipt', 'acc_bob12345', 'Receipts', 2],
      ['Lunch with Bob', 'acc_alice123', 'INBOX', 7],
    ]);
    // The operators work as in one account's search.
    const inSent = await searchEveryAccount(mail, summary, ['acc_alice123', 'acc_bob12345'], { query: 'subject:lunch -menu -receipt', limit: 100 });
    expect(inSent.messages.map((m) => m.subject)).toEqual(['Re: Lunch tomorrow', 'Lunch with Bob']);
    store.close();
  });

  it('keeps to the limit, taking the newest', async () => {
    const { store, mail } = twoAccounts();
    const { messages } = await searchEveryAccount(mail, summary, ['acc_alice123', 'acc_bob12345'], { query: 'lunch', limit: 2 });
    expect(messages.map((m) => m.subject)).toEqual(['Re: Lunch tomorrow', 'Lunch menu']);
    store.close();
  });

  it('leaves out accounts not given, and finds nothing with no account', async () => {
    const { store, mail } = twoAccounts();
    const bobOnly = await searchEveryAccount(mail, summary, ['acc_bob12345'], { query: 'lunch', limit: 100 });
    expect(bobOnly.messages.map((m) => m.accountId)).toEqual(['acc_bob12345', 'acc_bob12345']);
    expect((await searchEveryAccount(mail, summary, [], { query: 'lunch', limit: 100 })).messages).toEqual([]);
    store.close();
  });
});
