import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore, type ListCursor, type ListSort, type StoredMessage } from '../../../main/store/message-store.js';
import { message } from './corpus.js';

let store: MessageStore;
let folderId: number;
beforeEach(() => {
  store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-store-')));
  folderId = store.upsertFolder({ accountId: 'a', path: 'INBOX', role: 'inbox', uidValidity: 1, uidNext: 1, highestModseq: null, total: null, unread: null });
});
afterEach(() => store.close());

/** The cursor the renderer sends: the last row's date, uid and shown sender or subject. */
function cursor(m: StoredMessage, sort: ListSort): ListCursor {
  const key = sort === 'sender' ? m.from?.name || m.from?.address || '' : m.subject;
  return { internalDate: m.internalDate, uid: m.uid, key };
}

function pages(sort: ListSort, limit: number): number[] {
  const all: number[] = [];
  let before: ListCursor | undefined;
  for (;;) {
    const page = store.listMessages(folderId, { limit, before, sort });
    all.push(...page.map((m) => m.uid));
    if (page.length < limit) return all;
    before = cursor(page.at(-1)!, sort);
  }
}

describe('listing a folder by sender or subject', () => {
  beforeEach(() => {
    const senders = ['carol', 'Bob', 'alice', 'bob', '', 'Alice'];
    store.upsertMessages(
      folderId,
      senders.map((name, i) =>
        message(i + 1, {
          from: name ? { name, address: `${name.toLowerCase()}@example.test` } : { name: '', address: 'zed@example.test' },
          subject: ['delta', 'Alpha', 'charlie', 'bravo', 'alpha', 'Echo'][i]!,
          internalDate: 1_000 * (i + 1),
        }),
      ),
    );
  });

  it('orders by sender A to Z regardless of case, newest first among equals, with an address where there is no name', () => {
    // alice(3), Alice(6) → 6 newer; Bob(2), bob(4) → 4 newer; carol(1); zed@ (5).
    expect(store.listMessages(folderId, { sort: 'sender' }).map((m) => m.uid)).toEqual([6, 3, 4, 2, 1, 5]);
  });

  it('orders by subject and pages by keyset without skipping or repeating a row', () => {
    const whole = store.listMessages(folderId, { sort: 'subject' }).map((m) => m.uid);
    expect(whole).toEqual([5, 2, 4, 3, 1, 6]);
    for (const limit of [1, 2, 4]) {
      expect(pages('subject', limit)).toEqual(whole);
      expect(pages('sender', limit)).toEqual(store.listMessages(folderId, { sort: 'sender' }).map((m) => m.uid));
    }
  });

  it('keeps newest first as the default order', () => {
    expect(store.listMessages(folderId).map((m) => m.uid)).toEqual([6, 5, 4, 3, 2, 1]);
  });
});
