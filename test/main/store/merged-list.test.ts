import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MergedList, type MergedCursor } from '../../../main/store/merged-list.js';
import { MessageStore, type StoredMessage } from '../../../main/store/message-store.js';
import { message } from './corpus.js';

let store: MessageStore;
let merged: MergedList;
const folder = (accountId: string, path = 'INBOX') =>
  store.upsertFolder({ accountId, path, role: path === 'INBOX' ? 'inbox' : null, uidValidity: 1, uidNext: 1, highestModseq: null, total: null, unread: null });

beforeEach(() => {
  store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-store-')));
  merged = new MergedList(store.db);
});
afterEach(() => store.close());

const at = (minutes: number) => Date.UTC(2025, 0, 1) + minutes * 60_000;
/** A row as "folder:uid", which says both where it is and which it is. */
const named = (rows: StoredMessage[]) => rows.map((m) => `${m.folderId}:${m.uid}`);
const cursorOf = (m: StoredMessage): MergedCursor => ({ internalDate: m.internalDate, folderId: m.folderId, uid: m.uid });

function pages(folderIds: number[], limit: number): string[] {
  const all: StoredMessage[] = [];
  let before: MergedCursor | undefined;
  for (;;) {
    const page = merged.list(folderIds, { limit, before });
    all.push(...page);
    if (page.length < limit) return named(all);
    before = cursorOf(page.at(-1)!);
  }
}

describe('several inboxes as one list', () => {
  let a: number;
  let b: number;
  let c: number;
  beforeEach(() => {
    a = folder('acc-a');
    b = folder('acc-b');
    c = folder('acc-c');
    const archive = folder('acc-a', 'Archive');
    store.upsertMessages(a, [message(1, { internalDate: at(1) }), message(2, { internalDate: at(5) }), message(3, { internalDate: at(9) })]);
    // Two arrivals at the same minute as one of a's, and one with a lower UID at a later time.
    store.upsertMessages(b, [message(7, { internalDate: at(5) }), message(8, { internalDate: at(5) }), message(2, { internalDate: at(12) })]);
    store.upsertMessages(c, [message(40, { internalDate: at(3) })]);
    store.upsertMessages(archive, [message(1, { internalDate: at(100) })]);
  });

  it('lists them newest first, equal times by folder then UID, and nothing of the other folders', () => {
    expect(named(merged.list([a, b, c], { limit: 100 }))).toEqual([
      `${b}:2`,
      `${a}:3`,
      // At minute 5: b's two (b is the later folder), then a's.
      `${b}:8`,
      `${b}:7`,
      `${a}:2`,
      `${c}:40`,
      `${a}:1`,
    ]);
  });

  it('pages by keyset without skipping or repeating a row, whatever the page size, ties included', () => {
    const whole = named(merged.list([a, b, c], { limit: 100 }));
    for (const limit of [1, 2, 3, 4, 6]) expect(pages([a, b, c], limit)).toEqual(whole);
  });

  it('lists one folder alone, or none', () => {
    expect(named(merged.list([c], { limit: 10 }))).toEqual([`${c}:40`]);
    expect(merged.list([], { limit: 10 })).toEqual([]);
  });

  it('gives the same order and pages past the number of folders it merges (one scan of the date index then)', () => {
    const many = Array.from({ length: 70 }, (_, i) => folder(`acc-many-${i}`));
    many.forEach((id, i) => store.upsertMessages(id, [message(1, { internalDate: at(i % 7) }), message(2, { internalDate: at(50 + (i % 3)) })]));
    const whole = pages(many, 1_000);
    expect(whole).toHaveLength(140);
    const expected = many
      .flatMap((id, i) => [
        { name: `${id}:1`, date: at(i % 7), id, uid: 1 },
        { name: `${id}:2`, date: at(50 + (i % 3)), id, uid: 2 },
      ])
      .sort((x, y) => y.date - x.date || y.id - x.id || y.uid - x.uid)
      .map((x) => x.name);
    expect(whole).toEqual(expected);
    expect(pages(many, 9)).toEqual(expected);
  });

  it('draws a page of 200 quickly from 100,000 messages in three inboxes, deep in history as at the top', () => {
    const big = [folder('acc-big-1'), folder('acc-big-2'), folder('acc-big-3')];
    // Another folder beside them, which must cost nothing.
    const other = folder('acc-big-1', 'Archive');
    for (const [i, id] of [...big, other].entries()) {
      const count = i < 3 ? 33_334 : 20_000;
      for (let first = 1; first <= count; first += 5_000) {
        const batch = [];
        for (let uid = first; uid < first + 5_000 && uid <= count; uid++) batch.push(message(uid, { internalDate: at(uid * 3 + i) }));
        store.upsertMessages(id, batch);
      }
    }
    const time = (before?: MergedCursor) => {
      const runs: number[] = [];
      let page: StoredMessage[] = [];
      for (let r = 0; r < 5; r++) {
        const start = performance.now();
        page = merged.list(big, { limit: 200, before });
        runs.push(performance.now() - start);
      }
      return { page, ms: runs.sort((x, y) => x - y)[2]! };
    };
    const top = time();
    const middle = { internalDate: at(50_000 + 1), folderId: big[1]!, uid: 50_000 / 3 };
    const deep = time(middle);
    console.log(`unified inbox on 100,002 messages in 3 inboxes: first page of 200 ${top.ms.toFixed(2)} ms, mid-history ${deep.ms.toFixed(2)} ms (medians of 5)`);
    expect(top.page).toHaveLength(200);
    expect(new Set(top.page.map((m) => m.folderId))).toEqual(new Set(big));
    expect(deep.page).toHaveLength(200);
    expect(deep.page.every((m) => m.internalDate <= middle.internalDate)).toBe(true);
    // Generous bounds for a busy 2-core machine: a page reads about 200 rows, not 100,000.
    expect(top.ms).toBeLessThan(50);
    expect(deep.ms).toBeLessThan(50);
  });

  it('merges the folders’ own indexes and stops at the limit: no sort of all their rows', () => {
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${merged.sql(3)}`).all(a, 1, 1, b, 1, 1, c, 1, 1, 10) as { detail: string }[]).map((r) => r.detail);
    expect(plan).toContain('MERGE (UNION ALL)');
    const arms = plan.filter((d) => d.startsWith('SEARCH m USING INDEX messages_by_folder_newest (folder_id=? AND (internal_date,uid)<(?,?))'));
    expect(arms).toHaveLength(3);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN/);
  });
});
