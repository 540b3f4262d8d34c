import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { MessageStore } from '../../../main/store/message-store.js';
import { indexAllPending } from '../../../main/store/store-writer.js';
import { searchMail } from '../../../main/sync/search-mail.js';
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
