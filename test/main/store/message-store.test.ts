import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore, type FolderInput } from '../../../main/store/message-store.js';
import { flags, message } from './corpus.js';

const inbox: FolderInput = {
  accountId: 'acct-1', path: 'INBOX', role: 'inbox', uidValidity: 7, uidNext: 100,
  highestModseq: 2n ** 62n + 1n, total: null, unread: null,
};

let store: MessageStore;
let folderId: number;
beforeEach(() => {
  store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-store-')));
  folderId = store.upsertFolder(inbox);
});
afterEach(() => store.close());

const ftsCount = (word: string) =>
  store.db.prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?').pluck().get(`"${word}"`) as number;

describe('the message store', () => {
  it('upserts a folder by account and path, keeping its id and a 63-bit MODSEQ exactly', () => {
    const again = store.upsertFolder({ ...inbox, uidNext: 120, highestModseq: 2n ** 63n - 1n, total: 5, unread: 2 });
    expect(again).toBe(folderId);
    expect(store.folder(folderId)).toMatchObject({ ...inbox, id: folderId, uidNext: 120, highestModseq: 2n ** 63n - 1n, total: 5, unread: 2 });
    const sent = store.upsertFolder({ ...inbox, path: 'Sent', role: 'sent' });
    expect(sent).not.toBe(folderId);
    expect(store.folders('acct-1').map((f) => f.path)).toEqual(['INBOX', 'Sent']);
  });

  it('keeps a folder and its copy when the server lists it again, and drops folders the server no longer lists', () => {
    const listed = (path: string, name = path) => ({ path, name, role: null, delimiter: '/', selectable: true, subscribed: true, total: 3, unread: 1 });
    store.saveFolderList('acct-1', [{ ...listed('INBOX', 'Inbox'), role: 'inbox' as const }, listed('Old')]);
    const old = store.folderByPath('acct-1', 'Old')!;
    store.upsertMessages(folderId, [message(1)]);
    store.upsertMessages(old.id, [message(1), message(2)]);
    const after = store.saveFolderList('acct-1', [{ ...listed('INBOX', 'Inbox'), role: 'inbox' as const, total: 9 }, listed('New')]);
    expect(after.map((f) => f.path)).toEqual(['INBOX', 'New']);
    // INBOX kept its id, its sync state and its messages; Old went with its messages.
    expect(store.folderByPath('acct-1', 'INBOX')).toMatchObject({ id: folderId, uidValidity: 7, total: 9, name: 'Inbox' });
    expect(store.uids(folderId)).toEqual([1]);
    expect(store.db.prepare('SELECT count(*) FROM messages WHERE folder_id = ?').pluck().get(old.id)).toBe(0);
  });

  it('finds the replies stored without References whose parent is in no folder of the account, and keeps References once fetched', () => {
    const sent = store.upsertFolder({ ...inbox, path: 'Sent', role: 'sent' });
    const elsewhere = store.upsertFolder({ ...inbox, accountId: 'acct-2', path: 'INBOX' });
    store.upsertMessages(sent, [message(1, { messageId: '<parent@test>' })]);
    store.upsertMessages(elsewhere, [message(1, { messageId: '<other-account@test>' })]);
    store.upsertMessages(folderId, [
      message(2, { inReplyTo: '<parent@test>' }),
      message(3, { inReplyTo: '<gone@test>' }),
      message(4, { inReplyTo: '<other-account@test>' }),
      message(5, { inReplyTo: '<gone@test>', references: ['<gone@test>'] }),
      message(6),
    ]);
    // 2's parent is in Sent; 5 has its References; 6 is no reply. Another account's message is no parent.
    expect(store.repliesWithoutParent(folderId, 1, 100)).toEqual([4, 3]);
    expect(store.repliesWithoutParent(folderId, 1, 4)).toEqual([3]);
    store.applySync(folderId, { references: [{ uid: 3, references: ['<root@test>', '<gone@test>'] }] });
    expect(store.message(folderId, 3)!.references).toEqual(['<root@test>', '<gone@test>']);
    expect(store.repliesWithoutParent(folderId, 1, 100)).toEqual([4]);
    // Stored again without them (the history's rows have none): the fetched ones stay.
    store.upsertMessages(folderId, [message(3, { inReplyTo: '<gone@test>' })]);
    expect(store.message(folderId, 3)!.references).toEqual(['<root@test>', '<gone@test>']);
  });

  it('leaves the search entries of a history step for later, and writes each exactly once', () => {
    store.applySync(folderId, { upsert: [message(1, { subject: 'Budget plan' }), message(2, { subject: 'Budget review' }), message(3, { subject: 'Budget gone' })], indexLater: true });
    expect(store.hasPendingIndex()).toBe(true);
    expect(store.search('budget')).toEqual([]);
    // Stored again with another subject before its entry was written: written at once, and once.
    store.applySync(folderId, { upsert: [message(2, { subject: 'Budget revised' })], indexLater: true });
    // Removed before its entry was written: nothing is left to write for it.
    store.applySync(folderId, { remove: [3] });
    expect(store.search('budget').map((m) => m.uid)).toEqual([2]);
    expect(store.indexPending(10)).toBe(1);
    expect(store.indexPending(10)).toBe(0);
    expect(store.hasPendingIndex()).toBe(false);
    expect(store.search('budget').map((m) => m.uid).sort()).toEqual([1, 2]);
    expect(store.search('revised').map((m) => m.uid)).toEqual([2]);
    expect(store.search('review')).toEqual([]);
  });

  it('applies a sync step whole or not at all', () => {
    store.upsertMessages(folderId, [message(1), message(2)]);
    expect(() =>
      store.applySync(folderId, {
        upsert: [message(3)],
        remove: [1],
        // A state the schema refuses (oldest_uid must be an integer): the whole step rolls back.
        state: { oldestUid: 'x' as unknown as number },
      }),
    ).toThrow();
    expect(store.uids(folderId)).toEqual([1, 2]);
    store.applySync(folderId, { upsert: [message(3)], remove: [1], flags: [{ uid: 2, flags: flags({ flagged: true }) }], state: { oldestUid: 1, uidNext: 4 } });
    expect(store.uids(folderId)).toEqual([2, 3]);
    expect(store.message(folderId, 2)!.flags.flagged).toBe(true);
    expect(store.syncState(folderId)).toMatchObject({ oldestUid: 1, uidNext: 4 });
  });

  it('forgets every message and the sync state when UIDVALIDITY changes', () => {
    store.upsertMessages(folderId, [message(1), message(2)]);
    store.applySync(folderId, { state: { oldestUid: 1, uidNext: 3, referencesFromUid: 1 } });
    store.resetFolder(folderId, 99);
    expect(store.uids(folderId)).toEqual([]);
    expect(store.syncState(folderId)).toEqual({ uidValidity: 99, uidNext: null, highestModseq: null, oldestUid: null, referencesFromUid: null, syncedAt: null });
    expect(store.search('message')).toEqual([]);
  });

  it('stores a batch and lists it newest first, paged by cursor', () => {
    store.upsertMessages(folderId, Array.from({ length: 25 }, (_, i) => message(i + 1)));
    const page1 = store.listMessages(folderId, { limit: 10 });
    expect(page1.map((m) => m.uid)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    const last = page1.at(-1)!;
    const page2 = store.listMessages(folderId, { limit: 10, before: { internalDate: last.internalDate, uid: last.uid } });
    expect(page2.map((m) => m.uid)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(page1[0]).toMatchObject({ folderId, uid: 25, subject: 'Message 25', from: { name: 'Sender', address: 'sender@example.com' } });
  });

  it('orders messages that arrived in the same millisecond by uid', () => {
    const at = Date.UTC(2024, 5, 1);
    store.upsertMessages(folderId, [message(3, { internalDate: at }), message(1, { internalDate: at }), message(2, { internalDate: at })]);
    const first = store.listMessages(folderId, { limit: 2 });
    expect(first.map((m) => m.uid)).toEqual([3, 2]);
    expect(store.listMessages(folderId, { limit: 2, before: { internalDate: at, uid: 2 } }).map((m) => m.uid)).toEqual([1]);
  });

  it('round-trips every field', () => {
    const input = message(9, {
      inReplyTo: '<p@x>', references: ['<a@x>', '<p@x>'], cc: [{ name: 'C', address: 'c@x' }], date: null,
      flags: flags({ seen: true, answered: true, keywords: ['$Forwarded'] }), hasAttachments: true,
      snippet: 'Hello', bodyText: 'Hello there',
    });
    store.upsertMessages(folderId, [input]);
    const { id, folderId: storedFolder, ...rest } = store.listMessages(folderId)[0]!;
    expect(id).toBeTypeOf('number');
    expect(storedFolder).toBe(folderId);
    expect(rest).toEqual({ ...input });
  });

  it('updates a message on a second upsert without losing its fetched body', () => {
    store.upsertMessages(folderId, [message(1)]);
    expect(store.setBody(folderId, 1, 'the fetched body text', 'the fetched')).toBe(true);
    store.upsertMessages(folderId, [message(1, { subject: 'Renamed', flags: flags({ seen: true }) })]);
    const [stored] = store.listMessages(folderId);
    expect(stored).toMatchObject({ subject: 'Renamed', bodyText: 'the fetched body text', snippet: 'the fetched', flags: { seen: true } });
    expect(store.counts(folderId)).toEqual({ total: 1, unread: 0 });
    // The index follows: the old subject is gone, the new one and the body are found.
    expect(store.search('subject:renamed').map((m) => m.uid)).toEqual([1]);
    expect(store.search('subject:message')).toEqual([]);
    expect(store.search('fetched').map((m) => m.uid)).toEqual([1]);
  });

  it('reports false when setting the body of a message it does not have', () => {
    expect(store.setBody(folderId, 404, 'x')).toBe(false);
  });

  it('sets flags and counts unread from the stored messages', () => {
    store.upsertMessages(folderId, [message(1), message(2), message(3, { flags: flags({ seen: true }) })]);
    expect(store.counts(folderId)).toEqual({ total: 3, unread: 2 });
    store.setFlags(folderId, [
      { uid: 1, flags: flags({ seen: true, flagged: true }) },
      { uid: 3, flags: flags({ keywords: ['$Junk'] }) },
    ]);
    expect(store.counts(folderId)).toEqual({ total: 3, unread: 2 });
    const byUid = new Map(store.listMessages(folderId).map((m) => [m.uid, m.flags]));
    expect(byUid.get(1)).toEqual(flags({ seen: true, flagged: true }));
    expect(byUid.get(2)).toEqual(flags());
    expect(byUid.get(3)).toEqual(flags({ keywords: ['$Junk'] }));
  });

  it('removes vanished uids, from the list, the counts and the index', () => {
    store.upsertMessages(folderId, [message(1, { subject: 'alpha' }), message(2, { subject: 'beta' }), message(3, { subject: 'gamma' })]);
    store.removeUids(folderId, [2, 3, 99]);
    expect(store.uids(folderId)).toEqual([1]);
    expect(store.counts(folderId)).toEqual({ total: 1, unread: 1 });
    expect(ftsCount('beta')).toBe(0);
    expect(ftsCount('alpha')).toBe(1);
  });

  it('clears a folder (UIDVALIDITY changed) and deletes a folder with its messages', () => {
    store.upsertMessages(folderId, [message(1, { subject: 'alpha' }), message(2)]);
    store.clearFolder(folderId);
    expect(store.counts(folderId)).toEqual({ total: 0, unread: 0 });
    store.upsertMessages(folderId, [message(5, { subject: 'alpha' })]);
    store.removeFolder(folderId);
    expect(store.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(0);
    expect(ftsCount('alpha')).toBe(0);
  });

  it('stores a batch whole or not at all', () => {
    const batch = [message(1), message(2), { ...message(3), internalDate: 'not a number' as unknown as number }];
    expect(() => store.upsertMessages(folderId, batch)).toThrow();
    expect(store.counts(folderId)).toEqual({ total: 0, unread: 0 });
  });

  it('keeps the index unchanged when only flags change', () => {
    store.upsertMessages(folderId, [message(1, { subject: 'alpha' })]);
    const before = store.db.prepare("SELECT count(*) FROM messages_fts_data").pluck().get();
    store.setFlags(folderId, [{ uid: 1, flags: flags({ seen: true }) }]);
    store.upsertMessages(folderId, [message(1, { subject: 'alpha', flags: flags({ seen: true }) })]);
    expect(store.db.prepare("SELECT count(*) FROM messages_fts_data").pluck().get()).toBe(before);
    expect(ftsCount('alpha')).toBe(1);
  });
});
