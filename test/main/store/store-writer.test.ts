import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore } from '../../../main/store/message-store.js';
import { WorkerStoreWriter } from '../../../main/store/store-writer.js';
import { waitFor } from '../../support/wait-for.js';
import { message } from './corpus.js';

const WORKER = new URL('../../../main/store/store-writer-worker.ts', import.meta.url);

let dir: string;
let store: MessageStore;
let writer: WorkerStoreWriter;
let folderId: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mua-writer-'));
  store = MessageStore.open(dir);
  folderId = store.saveFolderList('acct', [
    { path: 'INBOX', name: 'Inbox', role: 'inbox', delimiter: '/', selectable: true, subscribed: true, total: null, unread: null },
  ])[0]!.id;
  writer = new WorkerStoreWriter(dir, WORKER);
});
afterEach(async () => {
  await writer.close();
  store.close();
});

describe('the store writer thread', () => {
  it('applies steps in order; each is readable from the main connection once its promise resolves', async () => {
    const first = writer.apply(folderId, { upsert: [message(3), message(2)], state: { oldestUid: 2, uidNext: 4, uidValidity: 9 } });
    const second = writer.apply(folderId, { upsert: [message(1)], remove: [3], state: { oldestUid: 1, highestModseq: 2n ** 62n } });
    await first;
    await second;
    expect(store.uids(folderId)).toEqual([1, 2]);
    expect(store.syncState(folderId)).toMatchObject({ oldestUid: 1, uidNext: 4, uidValidity: 9, highestModseq: 2n ** 62n });
    expect(store.search('message').map((m) => m.uid).sort()).toEqual([1, 2]);
  });

  it('rejects a step the store refuses, and keeps none of it', async () => {
    await writer.apply(folderId, { upsert: [message(1)] });
    await expect(writer.apply(folderId, { upsert: [message(2)], state: { oldestUid: 'x' as unknown as number } })).rejects.toThrow();
    expect(store.uids(folderId)).toEqual([1]);
    // The writer goes on after a refused step.
    await writer.apply(folderId, { upsert: [message(3)] });
    expect(store.uids(folderId)).toEqual([1, 3]);
  });

  it('threads the stored messages once the syncs go quiet, and says in which folders', async () => {
    await writer.apply(folderId, {
      upsert: [message(1, { messageId: '<a@t>', subject: 'Plan' }), message(2, { messageId: '<b@t>', inReplyTo: '<a@t>', references: ['<a@t>'], subject: 'Re: Plan' })],
    });
    const threadOf = (uid: number) => store.db.prepare('SELECT thread_id FROM messages WHERE folder_id = ? AND uid = ?').pluck().get(folderId, uid) as number | null;
    expect(threadOf(1)).toBeNull();
    const told: number[][] = [];
    writer.onThreaded((folderIds) => told.push(folderIds));
    const thread = await waitFor(async () => threadOf(1) ?? undefined, 'threads', 5_000);
    expect(threadOf(2)).toBe(thread);
    // Main hears it once the quiet spell's work is done, so a list drawn before can be redrawn.
    await waitFor(async () => (told.length ? true : undefined), 'the threaded notice', 5_000);
    expect(told).toEqual([[folderId]]);
  });

  it('writes the search entries of a history step once the syncs go quiet, or at once when a search asks', async () => {
    await writer.apply(folderId, { upsert: [message(1, { subject: 'Quarterly invoice' }), message(2)], indexLater: true });
    expect(store.hasPendingIndex()).toBe(true);
    expect(store.search('invoice')).toEqual([]);
    await writer.catchUpIndex();
    expect(store.hasPendingIndex()).toBe(false);
    expect(store.search('invoice').map((m) => m.uid)).toEqual([1]);

    await writer.apply(folderId, { upsert: [message(3, { subject: 'Another invoice' })], indexLater: true });
    await waitFor(async () => (store.hasPendingIndex() ? undefined : true), 'the entries written when quiet', 5_000);
    expect(store.search('invoice').map((m) => m.uid).sort()).toEqual([1, 3]);
  });

  it('fails every waiting step with a clear error once closed', async () => {
    await writer.close();
    await expect(writer.apply(folderId, { upsert: [message(1)] })).rejects.toThrow(/store writer stopped/);
  });
});
