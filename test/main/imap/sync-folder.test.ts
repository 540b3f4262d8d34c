import type { ImapFlow } from 'imapflow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectImap } from '../../../main/imap/connect.js';
import { syncFolder, type FolderSyncOptions, type FolderSyncProgress } from '../../../main/imap/sync-folder.js';
import { MessageStore } from '../../../main/store/message-store.js';
import { InlineStoreWriter, type StoreWriter } from '../../../main/store/store-writer.js';
import { ThreadIndex } from '../../../main/store/threading.js';
import type { Account } from '../../../shared/schemas.js';
import { testbedAccount } from '../../support/accounts.js';
import { filledMailbox, rawMessage, serverState, storeState } from '../../support/mailbox-state.js';

let client: ImapFlow;
let other: ImapFlow;
let account: Account;
const password = () => testbedAccount('carol').password;

beforeAll(async () => {
  account = { ...testbedAccount('carol'), id: 'carol-sync-test', pinnedCertificates: {} } as unknown as Account;
  client = await connectImap(account, password());
  other = await connectImap(account, password());
});
afterAll(async () => {
  await client.logout();
  await other.logout();
});

function freshStore(path: string) {
  const store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-sync-')));
  const folderId = store.saveFolderList('acct', [
    { path, name: path, role: null, delimiter: '/', selectable: true, subscribed: true, total: null, unread: null },
  ])[0]!.id;
  return { store, folderId };
}

const sync = (store: MessageStore, folderId: number, path: string, options: FolderSyncOptions = {}) =>
  syncFolder(client, store, folderId, path, options);

async function changeOnServer(path: string, job: (c: ImapFlow) => Promise<unknown>) {
  const lock = await other.getMailboxLock(path);
  try {
    await job(other);
  } finally {
    lock.release();
  }
}

describe('a first sync', () => {
  it('stores the newest 100 first, then streams the rest newest first, reporting progress to the end', async () => {
    const path = await filledMailbox(other, 260);
    const { store, folderId } = freshStore(path);
    const progress: FolderSyncProgress[] = [];
    let atFirstBatch: number[] = [];
    await sync(store, folderId, path, {
      firstBatch: 100,
      batchSize: 70,
      onFirstBatch: () => (atFirstBatch = store.uids(folderId)),
      onProgress: (p) => progress.push(p),
    });
    // The first batch is exactly the newest 100 (UIDs 161..260).
    expect(atFirstBatch).toEqual(Array.from({ length: 100 }, (_, i) => 161 + i));
    expect(progress[0]).toEqual({ done: 100, total: 260 });
    expect(progress.at(-1)).toEqual({ done: 260, total: 260 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(storeState(store, folderId)).toEqual(await serverState(other, path));
    expect(store.syncState(folderId)).toMatchObject({ oldestUid: 1, uidNext: 261 });
    // Newest first in the list, with the headers the list shows.
    const [newest] = store.listMessages(folderId, { limit: 1 });
    expect(newest).toMatchObject({ uid: 260, subject: 'Message 260', from: { name: 'Sender 260', address: 'sender260@example.test' } });
    store.close();
  });

  it('stores an empty folder as complete', async () => {
    const path = await filledMailbox(other, 0);
    const { store, folderId } = freshStore(path);
    expect(await sync(store, folderId, path)).toMatchObject({ added: 0, reset: false });
    expect(store.syncState(folderId)).toMatchObject({ oldestUid: 1 });
    store.close();
  });
});

it('runs against a server that offers CONDSTORE and QRESYNC, so the first case below takes that path', () => {
  expect([...client.enabled]).toEqual(expect.arrayContaining(['CONDSTORE', 'QRESYNC']));
});

// The same resync behaviour through each of the server's ways of telling what changed.
describe.each([
  { name: 'QRESYNC', features: {} },
  { name: 'CONDSTORE only', features: { qresync: false } },
  { name: 'neither (UIDNEXT and a flag refresh)', features: { condstore: false, qresync: false } },
])('a resync using $name', ({ features }) => {
  it('fetches only new mail, applies flag changes and removals, and ends equal to the server', async () => {
    const path = await filledMailbox(other, 40);
    const { store, folderId } = freshStore(path);
    await sync(store, folderId, path, { features });

    const unchanged = await sync(store, folderId, path, { features });
    expect(unchanged).toMatchObject({ added: 0, arrived: 0, flagsChanged: 0, removed: 0 });

    await other.append(path, rawMessage(41), []);
    await other.append(path, rawMessage(42), ['\\Flagged']);
    await changeOnServer(path, async (c) => {
      await c.messageFlagsAdd('5,6', ['\\Seen', '\\Flagged'], { uid: true });
      await c.messageFlagsRemove('3', ['\\Seen'], { uid: true });
      await c.messageFlagsAdd('7', ['$Label1'], { uid: true });
      await c.messageDelete('10,11,12', { uid: true });
    });

    const result = await sync(store, folderId, path, { features });
    expect(result).toMatchObject({ arrived: 2, removed: 3, flagsChanged: 4 });
    expect(storeState(store, folderId)).toEqual(await serverState(other, path));
    expect(store.message(folderId, 7)!.flags.keywords).toEqual(['$Label1']);
    store.close();
  });
});

describe('threading headers', () => {
  it('stores References for replies (fetched for them alone) and none for other messages', async () => {
    const path = await filledMailbox(other, 0);
    await other.append(path, rawMessage(1), []);
    await other.append(path, rawMessage(2, { extraHeaders: 'In-Reply-To: <b@x>\r\nReferences: <a@x>\r\n <b@x>\r\n' }), []);
    await other.append(path, rawMessage(3, { extraHeaders: 'References: <z@x>\r\n' }), []);
    const { store, folderId } = freshStore(path);
    await sync(store, folderId, path);
    expect(store.message(folderId, 2)).toMatchObject({ inReplyTo: '<b@x>', references: ['<a@x>', '<b@x>'] });
    // No In-Reply-To: not a reply, so its References are not asked for.
    expect(store.message(folderId, 1)).toMatchObject({ inReplyTo: null, references: [] });
    expect(store.message(folderId, 3)!.references).toEqual([]);
    store.close();
  });
});

describe('References of replies that stream in with the history', () => {
  /** 1 an original; 2 a reply to it; 3 and 4 replies to two messages we never had, of one root. */
  async function repliesMailbox(): Promise<{ path: string; original: string }> {
    const path = await filledMailbox(other, 0);
    const original = '<original.' + Math.random().toString(36).slice(2) + '@example.test>';
    await other.append(path, rawMessage(1).replace(/Message-ID: <[^>]+>/, `Message-ID: ${original}`), []);
    await other.append(path, rawMessage(2, { extraHeaders: `In-Reply-To: ${original}\r\nReferences: ${original}\r\n` }), []);
    await other.append(path, rawMessage(3, { extraHeaders: 'In-Reply-To: <gone-a@x>\r\nReferences: <root@x>\r\n <gone-a@x>\r\n' }), []);
    await other.append(path, rawMessage(4, { extraHeaders: 'In-Reply-To: <gone-b@x>\r\nReferences: <root@x> <gone-b@x>\r\n' }), []);
    await other.append(path, rawMessage(5), []);
    return { path, original };
  }
  // Only the newest message comes in the first batch: the replies all come through the history.
  const historyOptions: FolderSyncOptions = { firstBatch: 1, batchSize: 2 };

  it('fetches them after the history for replies whose parent is not stored, and for no other', async () => {
    const { path } = await repliesMailbox();
    const { store, folderId } = freshStore(path);
    await sync(store, folderId, path, historyOptions);
    expect(store.message(folderId, 3)!.references).toEqual(['<root@x>', '<gone-a@x>']);
    expect(store.message(folderId, 4)!.references).toEqual(['<root@x>', '<gone-b@x>']);
    // Its parent (1) is stored: its conversation follows from In-Reply-To, nothing was fetched.
    expect(store.message(folderId, 2)!.references).toEqual([]);
    expect(store.syncState(folderId).referencesFromUid).toBe(1);
    store.close();
  });

  it('joins replies that share only an ancestor named in References, though they were threaded before it came', async () => {
    const { path } = await repliesMailbox();
    const { store, folderId } = freshStore(path);
    // The default writer threads each step as it is written, so 3 and 4 had threads of their own
    // (their parents are unknown and their subjects differ) before their References arrived.
    await sync(store, folderId, path, historyOptions);
    const threadOf = (uid: number) => store.db.prepare('SELECT thread_id FROM messages WHERE folder_id = ? AND uid = ?').pluck().get(folderId, uid);
    expect(threadOf(3)).not.toBeNull();
    expect(threadOf(3)).toBe(threadOf(4));
    expect(threadOf(2)).toBe(threadOf(1));
    expect(threadOf(1)).not.toBe(threadOf(3));
    store.close();
  });

  it('checks again after a sync cut before the References were stored, and the next sync fetches them', async () => {
    const { path } = await repliesMailbox();
    const { store, folderId } = freshStore(path);
    const inline = new InlineStoreWriter(store, new ThreadIndex(store.db));
    const cutAtReferences: StoreWriter = {
      apply: (id, batch) => (batch.references ? Promise.reject(new Error('cut')) : inline.apply(id, batch)),
      catchUpIndex: () => inline.catchUpIndex(),
      onThreaded: () => {},
      close: async () => {},
    };
    await expect(sync(store, folderId, path, { ...historyOptions, writer: cutAtReferences })).rejects.toThrow('cut');
    expect(store.syncState(folderId)).toMatchObject({ oldestUid: 1, referencesFromUid: 5 });
    expect(store.repliesWithoutParent(folderId, 1, 5)).toEqual([4, 3]);
    expect(store.message(folderId, 3)!.references).toEqual([]);

    await sync(store, folderId, path, historyOptions);
    expect(store.syncState(folderId).referencesFromUid).toBe(1);
    expect(store.message(folderId, 3)!.references).toEqual(['<root@x>', '<gone-a@x>']);
    expect(store.message(folderId, 4)!.references).toEqual(['<root@x>', '<gone-b@x>']);
    store.close();
  });
});

describe('a changed UIDVALIDITY', () => {
  it('drops the folder copy and fetches it again', async () => {
    const path = await filledMailbox(other, 5);
    const { store, folderId } = freshStore(path);
    await sync(store, folderId, path);
    const before = store.syncState(folderId).uidValidity;
    // Deleting and recreating the mailbox gives it a new UIDVALIDITY, and UIDs from 1 again.
    await other.mailboxDelete(path);
    await other.mailboxCreate(path);
    for (let n = 1; n <= 3; n++) await other.append(path, rawMessage(100 + n, { subject: `Reborn ${n}` }), []);

    const result = await sync(store, folderId, path);
    expect(result.reset).toBe(true);
    expect(store.syncState(folderId).uidValidity).not.toBe(before);
    expect(storeState(store, folderId)).toEqual(await serverState(other, path));
    expect(store.listMessages(folderId).map((m) => m.subject)).toEqual(['Reborn 3', 'Reborn 2', 'Reborn 1']);
    store.close();
  });
});

describe('messages the server cannot describe well', () => {
  it('still get a row each, with what could be read', async () => {
    const path = await filledMailbox(other, 0);
    const garbage = Buffer.concat([
      Buffer.from('From: \xff\xfe Garbage <g@example.test>\r\nSubject: caf\xe9 \x00 ', 'latin1'),
      Buffer.from('x'.repeat(50_000)),
      Buffer.from('\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nhello\r\n'),
    ]);
    await other.append(path, garbage, []);
    await other.append(path, rawMessage(2, { subject: '=?x-unknown?B?!!!?= after' }), []);
    const { store, folderId } = freshStore(path);
    await sync(store, folderId, path);
    const rows = store.listMessages(folderId);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.uid === 1)!.subject).toMatch(/^caf/);
    expect(rows.find((r) => r.uid === 1)!.subject).not.toContain('\u0000');
    expect(rows.find((r) => r.uid === 2)!.subject).toContain('after');
    store.close();
  });
});
