import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageStore, type MessageInput } from '../../../main/store/message-store.js';
import { MIGRATIONS, runMigrations } from '../../../main/store/migrations.js';
import { messageIdsIn, normalizeMessageId, subjectKey, ThreadIndex } from '../../../main/store/threading.js';
import { flags, message } from './corpus.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2024, 0, 1);

let dir: string;
let store: MessageStore;
let threads: ThreadIndex;
let inbox: number;
let sent: number;
let archive: number;
let otherInbox: number;

const folder = (accountId: string, path: string, role: 'inbox' | 'sent' | 'archive') =>
  store.upsertFolder({ accountId, path, role, uidValidity: 1, uidNext: 1, highestModseq: null, total: null, unread: null });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mua-threads-'));
  store = MessageStore.open(dir);
  threads = new ThreadIndex(store.db);
  inbox = folder('acct-1', 'INBOX', 'inbox');
  sent = folder('acct-1', 'Sent', 'sent');
  archive = folder('acct-1', 'Archive', 'archive');
  otherInbox = folder('acct-2', 'INBOX', 'inbox');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A message on day `day`, with its own id <uid@t> unless given. */
const mail = (uid: number, day: number, over: Partial<MessageInput> = {}) =>
  message(uid, { messageId: `<${uid}@t>`, date: T0 + day * DAY, internalDate: T0 + day * DAY, ...over });

/** Stores a batch and threads it, as the sync does after each upsert. */
function add(folderId: number, ...batch: MessageInput[]): void {
  store.upsertMessages(folderId, batch);
  threads.assignUids(folderId, batch.map((m) => m.uid));
}

const rowId = (folderId: number, uid: number) =>
  store.db.prepare('SELECT id FROM messages WHERE folder_id = ? AND uid = ?').pluck().get(folderId, uid) as number;
const thread = (folderId: number, uid: number) => threads.threadOf(rowId(folderId, uid));
const threadCount = () => store.db.prepare('SELECT count(*) FROM threads').pluck().get() as number;

describe('normalizing', () => {
  it.each([
    ['Hello world', 'hello world', false],
    ['Re: Hello world', 'hello world', true],
    ['RE: re: Fwd: FW:  Hello \t  World ', 'hello world', true],
    ['AW: SV: WG: Hello world', 'hello world', true],
    ['[dev-list] Hello world', 'hello world', false],
    ['[dev-list] Re: [dev-list] Hello world', 'hello world', true],
    ['Re[2]: Hello world', 'hello world', true],
    ['Re(3): Hello world', 'hello world', true],
    ['Re： Hello world', 'hello world', true],
    ['Regarding: Hello world', 'regarding: hello world', false],
    ['Re:', '', true],
    ['', '', false],
  ])('subject %j -> %j (reply: %s)', (subject, key, isReply) => {
    expect(subjectKey(subject)).toEqual({ key, isReply });
  });

  it.each([
    ['<a@x>', ['a@x']],
    ['  <a@x>  ', ['a@x']],
    ['< a@x >', ['a@x']],
    ['a@x', ['a@x']],
    ['<a@x> <b@x>', ['a@x', 'b@x']],
    ['<a@x><b@x>', ['a@x', 'b@x']],
    ['<a@x> (Alice\'s message of Tuesday)', ['a@x']],
    ['Your message of Tuesday', []],
    ['<>', []],
    ['', []],
    ['<A@X>', ['A@X']],
  ])('Message-IDs in %j -> %j', (value, ids) => {
    expect(messageIdsIn(value)).toEqual(ids);
  });

  it('takes the first id as a message\'s own, and none from garbage', () => {
    expect(normalizeMessageId('<a@x> <b@x>')).toBe('a@x');
    expect(normalizeMessageId(null)).toBeNull();
    expect(normalizeMessageId('   ')).toBeNull();
  });
});

describe('threads by References and In-Reply-To', () => {
  it('follows a reply chain, leaves an unrelated message alone and lists the thread by date', () => {
    add(inbox,
      mail(1, 0, { subject: 'Plans' }),
      mail(2, 1, { subject: 'Re: Plans', inReplyTo: '<1@t>', references: ['<1@t>'] }),
      mail(3, 2, { subject: 'Re: Plans', inReplyTo: '<2@t>', references: ['<1@t>', '<2@t>'] }),
      mail(4, 3, { subject: 'Unrelated' }),
    );
    const t = thread(inbox, 1);
    expect(t).not.toBeNull();
    expect(thread(inbox, 2)).toBe(t);
    expect(thread(inbox, 3)).toBe(t);
    expect(thread(inbox, 4)).not.toBe(t);
    expect(threads.messagesInThread(t!).map((m) => m.uid)).toEqual([1, 2, 3]);
  });

  it('links by In-Reply-To alone, and by References alone', () => {
    add(inbox, mail(1, 0), mail(2, 1, { inReplyTo: '<1@t>' }), mail(3, 2, { references: ['<2@t>'] }));
    expect(new Set([thread(inbox, 1), thread(inbox, 2), thread(inbox, 3)]).size).toBe(1);
  });

  it('threads out-of-order arrival: children first (newest-first sync), parents later, in separate batches', () => {
    add(inbox, mail(3, 2, { subject: 'Re: Plans', inReplyTo: '<2@t>', references: ['<1@t>', '<2@t>'] }));
    add(inbox, mail(1, 0, { subject: 'Plans' }));
    add(inbox, mail(2, 1, { subject: 'Re: Plans', inReplyTo: '<1@t>' }));
    const t = thread(inbox, 3);
    expect(thread(inbox, 1)).toBe(t);
    expect(thread(inbox, 2)).toBe(t);
    expect(threadCount()).toBe(1);
    expect(threads.messagesInThread(t!).map((m) => m.uid)).toEqual([1, 2, 3]);
  });

  it('a parent that references nothing joins the child that arrived first (In-Reply-To only)', () => {
    add(inbox, mail(2, 1, { subject: 'Odd subject change', inReplyTo: '<1@t>' }));
    add(inbox, mail(1, 0, { subject: 'Original' }));
    expect(thread(inbox, 1)).toBe(thread(inbox, 2));
  });

  it('merges two threads when a message links them, and later messages of either find the merged thread', () => {
    add(inbox, mail(1, 0, { subject: 'Alpha' }), mail(2, 1, { subject: 'Re: Alpha', references: ['<1@t>'] }));
    add(inbox, mail(3, 2, { subject: 'Beta' }), mail(4, 3, { subject: 'Re: Beta', references: ['<3@t>'] }));
    const alpha = thread(inbox, 1)!;
    const beta = thread(inbox, 3)!;
    expect(alpha).not.toBe(beta);
    add(inbox, mail(5, 4, { subject: 'Re: Alpha and Beta', references: ['<2@t>', '<4@t>'] }));
    const merged = thread(inbox, 5);
    expect(merged).toBe(Math.min(alpha, beta));
    for (const uid of [1, 2, 3, 4]) expect(thread(inbox, uid)).toBe(merged);
    expect(threadCount()).toBe(1);
    add(inbox, mail(6, 5, { subject: 'Re: Beta', references: ['<3@t>'] }));
    expect(thread(inbox, 6)).toBe(merged);
    expect(threads.messagesInThread(merged!).map((m) => m.uid)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('merges when a late parent is referenced by two threads that grew apart', () => {
    add(inbox, mail(2, 1, { subject: 'Re: Q', references: ['<1@t>'] }));
    add(inbox, mail(3, 1, { subject: 'Re: Q (other branch)', references: ['<0@t>'] }));
    expect(thread(inbox, 2)).not.toBe(thread(inbox, 3));
    // The parent of 2 itself replies to the parent of 3.
    add(inbox, mail(1, 0, { subject: 'Q', references: ['<0@t>'] }));
    expect(thread(inbox, 1)).toBe(thread(inbox, 2));
    expect(thread(inbox, 1)).toBe(thread(inbox, 3));
  });

  it('puts two replies to a parent that is not stored into one thread', () => {
    add(inbox, mail(2, 1, { subject: 'Re: Lost', references: ['<gone@t>'] }));
    add(inbox, mail(3, 2, { subject: 'Re: something else entirely', references: ['<gone@t>'] }));
    expect(thread(inbox, 2)).toBe(thread(inbox, 3));
  });

  it('joins across folders: my reply in Sent joins the Inbox thread, and a thread spans the reader', () => {
    add(inbox, mail(1, 0, { subject: 'Invoice' }));
    add(sent, mail(1, 1, { messageId: '<mine@t>', subject: 'Re: Invoice', references: ['<1@t>'], flags: flags({ seen: true }) }));
    add(archive, mail(7, 2, { messageId: '<late@t>', subject: 'Re: Invoice', references: ['<1@t>', '<mine@t>'] }));
    const t = thread(inbox, 1)!;
    expect(thread(sent, 1)).toBe(t);
    expect(thread(archive, 7)).toBe(t);
    expect(threads.messagesInThread(t).map((m) => [m.folderId, m.uid])).toEqual([[inbox, 1], [sent, 1], [archive, 7]]);
    const [summary] = threads.threadSummaries(inbox);
    expect(summary).toMatchObject({ threadId: t, count: 1, unread: 1, countAll: 3, newest: { uid: 1 } });
  });

  it('never mixes accounts, even with the same Message-IDs and subjects', () => {
    add(inbox, mail(1, 0, { subject: 'Hello' }));
    add(otherInbox, mail(1, 0, { subject: 'Hello' }), mail(2, 1, { subject: 'Re: Hello', references: ['<1@t>'] }));
    add(inbox, mail(3, 2, { subject: 'Re: Hello', messageId: '<x@t>' }));
    expect(thread(otherInbox, 1)).toBe(thread(otherInbox, 2));
    expect(thread(inbox, 1)).not.toBe(thread(otherInbox, 1));
    expect(thread(inbox, 3)).toBe(thread(inbox, 1));
    // acct-2's reply to <1@t> never reaches acct-1's <1@t>.
    const acct1 = new Set(threads.messagesInThread(thread(inbox, 1)!).map((m) => m.folderId));
    expect(acct1).toEqual(new Set([inbox]));
  });
});

describe('the subject fallback', () => {
  it('a reply with no findable parent joins the thread of its subject within 60 days', () => {
    add(inbox, mail(1, 0, { subject: 'Quarterly   report' }));
    add(inbox, mail(2, 10, { subject: 'RE: quarterly report' }));
    add(inbox, mail(3, 20, { subject: 'AW: [team] Re: Quarterly Report', references: ['<not-stored@t>'] }));
    add(inbox, mail(4, 25, { subject: 'Fwd: Quarterly report' }));
    add(inbox, mail(5, 30, { subject: 'SV: Quarterly report' }));
    const t = thread(inbox, 1);
    for (const uid of [2, 3, 4, 5]) expect(thread(inbox, uid)).toBe(t);
  });

  it('an original with a common subject never joins a stranger\'s thread', () => {
    add(inbox, mail(1, 0, { subject: 'Hello', from: { name: 'A', address: 'a@x' } }));
    add(inbox, mail(2, 1, { subject: 'Hello', from: { name: 'B', address: 'b@x' } }));
    add(inbox, mail(3, 2, { subject: '[list] hello', from: { name: 'C', address: 'c@x' } }));
    expect(new Set([thread(inbox, 1), thread(inbox, 2), thread(inbox, 3)]).size).toBe(3);
  });

  it('not beyond 60 days, and not on an empty subject', () => {
    add(inbox, mail(1, 0, { subject: 'Hello' }));
    add(inbox, mail(2, 61, { subject: 'Re: Hello' }));
    add(inbox, mail(3, 0, { subject: '' }), mail(4, 1, { subject: 'Re:' }), mail(5, 1, { subject: 'Re: ' }));
    expect(thread(inbox, 2)).not.toBe(thread(inbox, 1));
    expect(new Set([thread(inbox, 3), thread(inbox, 4), thread(inbox, 5)]).size).toBe(3);
  });

  it('within 60 days of any message of the thread: a thread that is still going keeps gathering replies', () => {
    add(inbox, mail(1, 0, { subject: 'Long' }), mail(2, 50, { subject: 'Re: Long', references: ['<1@t>'] }));
    add(inbox, mail(3, 100, { subject: 'Re: Long' }));
    expect(thread(inbox, 3)).toBe(thread(inbox, 1));
  });

  it('a parentless reply stored before its original is pulled in when the original arrives', () => {
    add(inbox, mail(2, 5, { subject: 'Re: Picnic', references: ['<different-id@t>'] }));
    add(inbox, mail(3, 6, { subject: 'Re: Re: Picnic', references: ['<2@t>'] }));
    add(inbox, mail(1, 0, { subject: 'Picnic' }));
    expect(thread(inbox, 1)).toBe(thread(inbox, 2));
    expect(thread(inbox, 3)).toBe(thread(inbox, 2));
    expect(threadCount()).toBe(1);
  });

  it('but a thread that has its original is not pulled into a stranger\'s original with the same subject', () => {
    add(inbox, mail(2, 1, { subject: 'Re: Hello', references: ['<1@t>'] }));
    add(inbox, mail(1, 0, { subject: 'Hello' }));
    add(inbox, mail(9, 3, { subject: 'Hello', from: { name: 'Stranger', address: 's@x' } }));
    expect(thread(inbox, 1)).toBe(thread(inbox, 2));
    expect(thread(inbox, 9)).not.toBe(thread(inbox, 1));
  });

  it('stays within the account', () => {
    add(otherInbox, mail(1, 0, { subject: 'Budget' }));
    add(inbox, mail(2, 1, { subject: 'Re: Budget' }));
    expect(thread(inbox, 2)).not.toBe(thread(otherInbox, 1));
  });
});

describe('missing, duplicate and malformed Message-IDs', () => {
  it('messages without a Message-ID stand alone unless the subject fallback applies', () => {
    add(inbox, mail(1, 0, { messageId: null, subject: 'One' }), mail(2, 1, { messageId: null, subject: 'Two' }));
    add(inbox, mail(3, 2, { messageId: null, subject: 'Re: One' }));
    expect(thread(inbox, 1)).not.toBe(thread(inbox, 2));
    expect(thread(inbox, 3)).toBe(thread(inbox, 1));
  });

  it('an empty id "<>" is no id: two such messages are not one conversation', () => {
    add(inbox, mail(1, 0, { messageId: '<>', subject: 'A' }), mail(2, 1, { messageId: '<>', subject: 'B', inReplyTo: '<>' }));
    expect(thread(inbox, 1)).not.toBe(thread(inbox, 2));
  });

  it('a copy of a message (same id, same subject) in another folder is the same conversation', () => {
    add(inbox, mail(1, 0, { subject: 'Contract' }));
    add(archive, mail(40, 0, { messageId: '<1@t>', subject: '[legal] Contract' }));
    expect(thread(archive, 40)).toBe(thread(inbox, 1));
  });

  it('a different message reusing an id (another subject) does not join by it; replies go to the first', () => {
    add(inbox, mail(1, 0, { messageId: '<dup@t>', subject: 'Newsletter' }));
    add(inbox, mail(2, 1, { messageId: '<dup@t>', subject: 'Your order' }));
    add(inbox, mail(3, 2, { subject: 'Re: Newsletter', references: ['<dup@t>'] }));
    expect(thread(inbox, 2)).not.toBe(thread(inbox, 1));
    expect(thread(inbox, 3)).toBe(thread(inbox, 1));
  });

  it('compares ids exactly after trimming <> and spaces: no brackets matches, another case does not', () => {
    add(inbox, mail(1, 0, { messageId: 'bare@t', subject: 'Bare' }));
    add(inbox, mail(2, 1, { messageId: '  <spaced@t>  ', subject: 'Spaced' }));
    add(inbox, mail(3, 2, { subject: 'x', references: ['<bare@t>'] }));
    add(inbox, mail(4, 3, { subject: 'y', inReplyTo: 'spaced@t' }));
    add(inbox, mail(5, 4, { subject: 'z', references: ['<SPACED@t>'] }));
    expect(thread(inbox, 3)).toBe(thread(inbox, 1));
    expect(thread(inbox, 4)).toBe(thread(inbox, 2));
    expect(thread(inbox, 5)).not.toBe(thread(inbox, 2));
  });

  it('prose in In-Reply-To links nothing; several ids in one References entry all count', () => {
    add(inbox, mail(1, 0, { subject: 'P', inReplyTo: 'Your message of Tuesday' }), mail(2, 1, { subject: 'Q', inReplyTo: 'Your message of Tuesday' }));
    expect(thread(inbox, 1)).not.toBe(thread(inbox, 2));
    add(inbox, mail(3, 2, { subject: 'R', references: ['<1@t> <2@t>'] }));
    expect(thread(inbox, 3)).toBe(thread(inbox, 1));
    expect(thread(inbox, 2)).toBe(thread(inbox, 1));
  });

  it('copes with references_ids that are not a JSON array of strings', () => {
    add(inbox, mail(1, 0, { subject: 'S' }));
    store.upsertMessages(inbox, [mail(2, 1, { subject: 'T' })]);
    store.db.prepare("UPDATE messages SET references_ids = '{\"x\":1}' WHERE uid = 2").run();
    store.upsertMessages(inbox, [mail(3, 1, { subject: 'U' })]);
    store.db.prepare("UPDATE messages SET references_ids = '[1, null, \"<1@t>\"]' WHERE uid = 3").run();
    threads.assignUids(inbox, [2, 3]);
    expect(thread(inbox, 2)).not.toBeNull();
    expect(thread(inbox, 3)).toBe(thread(inbox, 1));
  });
});

describe('assign, backfill and the threaded list', () => {
  it('assign is idempotent and a header resync keeps the thread', () => {
    add(inbox, mail(1, 0), mail(2, 1, { references: ['<1@t>'] }));
    const before = thread(inbox, 2);
    add(inbox, mail(1, 0), mail(2, 1, { references: ['<1@t>'], flags: flags({ seen: true }) }));
    threads.assign([rowId(inbox, 1), rowId(inbox, 2), 999_999]);
    expect(thread(inbox, 2)).toBe(before);
    expect(threadCount()).toBe(1);
  });

  it('backfill threads rows stored without a thread', () => {
    store.upsertMessages(inbox, [mail(1, 0), mail(2, 1, { references: ['<1@t>'] }), mail(3, 2)]);
    expect(thread(inbox, 1)).toBeNull();
    expect(threads.backfill(2)).toBe(2);
    expect(threads.backfill(2)).toBe(1);
    expect(threads.backfill(2)).toBe(0);
    expect(thread(inbox, 2)).toBe(thread(inbox, 1));
  });

  it('upgrades a store from before threads: its rows get threads by backfill, and search still follows edits', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version < 3));
    const folderId = db.prepare("INSERT INTO folders (account_id, path) VALUES ('acct-1', 'INBOX') RETURNING id").pluck().get() as number;
    const insert = db.prepare(`INSERT INTO messages (folder_id, uid, message_id, references_ids, subject, internal_date)
      VALUES (?, ?, ?, ?, ?, ?)`);
    insert.run(folderId, 1, '<1@t>', '[]', 'Old', T0);
    insert.run(folderId, 2, '<2@t>', '["<1@t>"]', 'Re: Old', T0 + DAY);
    insert.run(folderId, 3, '<3@t>', '[]', 'Other', T0 + DAY);
    runMigrations(db);
    const index = new ThreadIndex(db);
    let rounds = 0;
    while (index.backfill(1) > 0) rounds++;
    expect(rounds).toBe(3);
    const threadOfUid = (uid: number) => db.prepare('SELECT thread_id FROM messages WHERE uid = ?').pluck().get(uid);
    expect(threadOfUid(2)).toBe(threadOfUid(1));
    expect(threadOfUid(3)).not.toBe(threadOfUid(1));
    // The rows written before the upgrade stay in the index, and an edit through the store reaches it.
    const matches = (word: string) => db.prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?').pluck().get(word);
    expect(matches('other')).toBe(1);
    const store = new MessageStore(db);
    store.upsertMessages(folderId, [{ ...store.message(folderId, 3)!, subject: 'Renamed', flags: { ...store.message(folderId, 3)!.flags, seen: true } }]);
    expect(matches('renamed')).toBe(1);
    expect(matches('other')).toBe(0);
    db.close();
  });

  it('lists each thread once by its newest message in the folder, with counts, paged', () => {
    add(inbox,
      mail(1, 0, { subject: 'A' }),
      mail(2, 1, { subject: 'B', flags: flags({ seen: true }) }),
      mail(3, 2, { subject: 'Re: A', references: ['<1@t>'], flags: flags({ seen: true }) }),
      mail(4, 3, { subject: 'C' }),
      mail(5, 4, { subject: 'Re: A', references: ['<3@t>'] }),
      mail(6, 5, { subject: 'Re: B', references: ['<2@t>'], flags: flags({ seen: true }) }),
    );
    // Not yet threaded: shows alone.
    store.upsertMessages(inbox, [mail(7, 6, { subject: 'D' })]);
    const all = threads.threadSummaries(inbox);
    expect(all.map((s) => [s.newest.uid, s.count, s.unread])).toEqual([[7, 1, 1], [6, 2, 0], [5, 3, 2], [4, 1, 1]]);
    expect(all[0]!.threadId).toBeNull();
    const page1 = threads.threadSummaries(inbox, { limit: 2 });
    const last = page1.at(-1)!.newest;
    const page2 = threads.threadSummaries(inbox, { limit: 2, before: { internalDate: last.internalDate, uid: last.uid } });
    expect([...page1, ...page2].map((s) => s.newest.uid)).toEqual([7, 6, 5, 4]);
  });
});

describe('scale', () => {
  it('threads 100,000 messages arriving newest first in batches of 1,000 (timing printed)', () => {
    const total = 100_000;
    // Conversations of 1 to 8 messages with unique subjects, one day apart; every fourth reply
    // carries no References (found by subject), every tenth message is "mine" in Sent.
    type Planned = { folderId: number; input: MessageInput; conversation: number };
    const planned: Planned[] = [];
    let conversation = 0;
    let inboxUid = 0;
    let sentUid = 0;
    while (planned.length < total) {
      const size = 1 + (conversation % 8);
      const ids: string[] = [];
      for (let i = 0; i < size && planned.length < total; i++) {
        const id = `<c${conversation}.${i}@bench>`;
        const at = T0 + conversation * 60_000 + i * DAY;
        const mine = planned.length % 10 === 9;
        const noRefs = i > 0 && i % 4 === 0;
        const input = message(mine ? ++sentUid : ++inboxUid, {
          messageId: id,
          subject: `${i === 0 ? '' : 'Re: '}Topic ${conversation}`,
          inReplyTo: i === 0 || noRefs ? null : ids.at(-1)!,
          references: i === 0 || noRefs ? [] : [...ids],
          date: at,
          internalDate: at,
          flags: flags({ seen: i % 3 === 0 }),
        });
        ids.push(id);
        planned.push({ folderId: mine ? sent : inbox, input, conversation });
      }
      conversation++;
    }
    planned.sort((a, b) => b.input.internalDate - a.input.internalDate);

    // CPU time too: on a shared, busy machine the wall clock says more about the neighbours.
    const cpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    let upsertMs = 0;
    let assignMs = 0;
    let assignCpuMs = 0;
    for (let start = 0; start < planned.length; start += 1000) {
      const chunk = planned.slice(start, start + 1000);
      for (const folderId of [inbox, sent]) {
        const batch = chunk.filter((p) => p.folderId === folderId).map((p) => p.input);
        if (batch.length === 0) continue;
        let t = performance.now();
        store.upsertMessages(folderId, batch);
        upsertMs += performance.now() - t;
        t = performance.now();
        const cpu = cpuMs();
        threads.assignUids(folderId, batch.map((m) => m.uid));
        assignMs += performance.now() - t;
        assignCpuMs += cpuMs() - cpu;
      }
    }
    let t = performance.now();
    const page = threads.threadSummaries(inbox, { limit: 50 });
    const listMs = performance.now() - t;
    const lastNewest = page.at(-1)!.newest;
    t = performance.now();
    threads.threadSummaries(inbox, { limit: 50, before: { internalDate: lastNewest.internalDate, uid: lastNewest.uid } });
    const pageMs = performance.now() - t;
    console.log(
      `threading 100k: upsert ${(upsertMs / 1000).toFixed(2)} s, assign ${(assignMs / 1000).toFixed(2)} s ` +
        `(CPU ${(assignCpuMs / 1000).toFixed(2)} s) ` +
        `(${((assignMs * 1000) / total).toFixed(1)} µs/message); threadSummaries first page ${listMs.toFixed(1)} ms, next ${pageMs.toFixed(1)} ms`,
    );

    // Every conversation is exactly one thread, and no two share one.
    const perConversation = new Map<number, Set<number | null>>();
    for (const p of planned) {
      const set = perConversation.get(p.conversation) ?? new Set();
      set.add(thread(p.folderId, p.input.uid));
      perConversation.set(p.conversation, set);
    }
    const broken = [...perConversation.values()].filter((s) => s.size !== 1 || s.has(null)).length;
    expect(broken).toBe(0);
    expect(threadCount()).toBe(conversation);
    expect(page).toHaveLength(50);
  }, 120_000);
});
