import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageStore } from '../../../main/store/message-store.js';
import { parseSearch } from '../../../main/store/search-query.js';
import { INBOX, SENT } from './corpus.js';

let store: MessageStore;
let inboxId: number;
let sentId: number;
beforeAll(() => {
  store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-search-')));
  const folder = { accountId: 'acct-1', uidValidity: 1, uidNext: 10, highestModseq: null, total: null, unread: null };
  inboxId = store.upsertFolder({ ...folder, path: 'INBOX', role: 'inbox' });
  sentId = store.upsertFolder({ ...folder, path: 'Sent', role: 'sent' });
  store.upsertMessages(inboxId, INBOX);
  store.upsertMessages(sentId, SENT);
});
afterAll(() => store.close());

/** Subjects of the results, newest first; date bounds in UTC so the answer is the same anywhere. */
const subjects = (query: string, options: { folderId?: number } = {}) => store.search(query, { utc: true, ...options }).map((m) => m.subject);

const INVOICE = 'Invoice for March';
const RE_INVOICE = 'Re: Invoice for March';
const LUNCH = 'Lunch on Friday?';
const CAFE = 'Café plans';
const REPORT = 'Report draft';

describe('search', () => {
  it.each([
    // free words: sender, recipients, subject and body; newest first
    ['invoice', [RE_INVOICE, INVOICE, REPORT]],
    ['invo', [RE_INVOICE, INVOICE, REPORT]],
    ['INVOICE march', [RE_INVOICE, INVOICE]],
    ['"invoice attached"', [INVOICE]],
    ['"attached invoice"', []],
    ['station', [LUNCH]],
    ['cafe', [CAFE]],
    ['muller', [CAFE]],
    ['carol', [LUNCH, RE_INVOICE, REPORT]],
    // from:
    ['from:alice', [INVOICE, REPORT]],
    ['from:alice@example.com', [INVOICE, REPORT]],
    ['from:example.com', [CAFE, INVOICE, REPORT]],
    ['from:"Dave Müller"', [CAFE]],
    ['from:smith', [INVOICE, REPORT]],
    ['from:station', []],
    // to: (To and Cc)
    ['to:carol', [RE_INVOICE, REPORT]],
    ['to:bob@example.org', [LUNCH, INVOICE]],
    ['to:dave', []],
    // subject:
    ['subject:invoice', [RE_INVOICE, INVOICE]],
    ['subject:"for march"', [RE_INVOICE, INVOICE]],
    ['subject:report', [REPORT]],
    ['subject:quarterly', []],
    // has:, is:
    ['has:attachment', [CAFE, INVOICE]],
    ['is:unread', [LUNCH, INVOICE]],
    ['is:read', [CAFE, RE_INVOICE, REPORT]],
    ['is:flagged', [RE_INVOICE]],
    // dates: before the day began, after the day ended
    ['before:2024-03-02', [INVOICE, REPORT]],
    ['after:2024-03-02', [CAFE, LUNCH]],
    ['after:2024-03-01 before:2024-03-05', [RE_INVOICE]],
    ['after:2024-02-15 before:2024-03-01', []],
    // combinations
    ['from:bob is:flagged', [RE_INVOICE]],
    ['invoice has:attachment', [INVOICE]],
    ['is:unread after:2024-03-01', [LUNCH]],
    ['from:alice to:carol', [REPORT]],
    ['subject:lunch from:alice', []],
    ['report is:read has:attachment', [CAFE]],
    ['invoice -paid', [INVOICE, REPORT]],
    ['-invoice is:read', [CAFE]],
    ['invoice -', [RE_INVOICE, INVOICE, REPORT]],
    // unrecognised operators and bad dates are searched as words: nothing here has them
    ['foo:bar', []],
    ['before:2024-02-30', []],
    ['is:important', []],
  ])('%s', (query, expected) => {
    expect(subjects(query)).toEqual(expected);
  });

  it('keeps to one folder when asked', () => {
    expect(subjects('invoice', { folderId: sentId })).toEqual([REPORT]);
    expect(subjects('invoice', { folderId: inboxId })).toEqual([RE_INVOICE, INVOICE]);
  });

  it('keeps to one account when asked', () => {
    expect(store.search('invoice', { accountId: 'acct-2' })).toEqual([]);
    expect(store.search('invoice', { accountId: 'acct-1' })).toHaveLength(3);
  });

  it('returns nothing for an empty query', () => {
    expect(subjects('')).toEqual([]);
    expect(subjects('   ')).toEqual([]);
  });

  it('limits the number of results', () => {
    expect(store.search('invoice', { limit: 1 }).map((m) => m.subject)).toEqual([RE_INVOICE]);
  });
});

describe('hostile search input', () => {
  const HOSTILE = [
    '"', '""', '"""', '*', '**', 'NEAR(', 'NEAR(a b)', 'OR', 'AND', 'NOT', 'a OR b', 'NOT invoice', '-', '--', '-invoice', '-"', '-*', '-NEAR(', '-OR',
    "'", "' OR 1=1 --", "'; DROP TABLE messages; --", '"; DROP TABLE messages; --', ')', '(((', '{sender}: alice',
    'sender:alice', 'body:invoice', 'subject:*', 'subject:"', 'from:"', 'from:', 'to:"" OR ""', 'invoice"*', 'a"b',
    '^invoice', 'invoice^', ':', '::', 'from::', 'x:y:z', '\u0000', '\\', '%', '_', '?', '?1', ':name', '@p', '$x',
    'is:', 'before:', 'after:x', 'has:', 'from:@@@', 'subject:" OR 1=1', 'NEAR("a" "b", 2)', 'a AND NOT b', '+', 'a + b',
    'invoice*', '*invoice', 'é', '🙂', 'x'.repeat(10_000), 'a '.repeat(2_000),
  ];

  it.each(HOSTILE.map((q) => [q.length > 40 ? `${q.slice(0, 20)}... (${q.length})` : JSON.stringify(q), q]))('%s never throws', (_label, query) => {
    expect(() => store.search(query, { utc: true })).not.toThrow();
    expect(() => parseSearch(query)).not.toThrow();
  });

  it('treats FTS5 syntax in a word as text', () => {
    // The quote and star are separators for the tokenizer: this is the word "invoice", exactly.
    expect(subjects('invoice"*')).toEqual([RE_INVOICE, INVOICE, REPORT]);
    // OR is a word, not an operator: no message has a word starting with "or".
    expect(subjects('lunch OR invoice')).toEqual([]);
    // An operator with nothing searchable matches nothing rather than everything.
    expect(subjects('from:@@@')).toEqual([]);
    expect(subjects('subject:*')).toEqual([]);
  });

  it('leaves the database as it was', () => {
    for (const query of HOSTILE) store.search(query);
    expect(store.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(INBOX.length + SENT.length);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('passes user text to SQL only as bound values', () => {
    const parsed = parseSearch(`from:"x'); DROP TABLE messages; --" before:2024-01-01 is:unread`);
    for (const condition of parsed.conditions) expect(condition).not.toMatch(/DROP|'/u);
    expect(parsed.match).toBe(`sender : "x'); DROP TABLE messages; --"`);
  });
});
