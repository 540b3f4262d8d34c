import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSettingsFile } from '../../main/accounts/settings-store.js';
import { MessageStore, type MessageInput } from '../../main/store/message-store.js';
import type { Account } from '../../shared/schemas.js';
import type { Testbed } from './testbed.js';

/**
 * A profile folder as the app leaves it after a full sync, built directly (no server): an account
 * in its settings file, and its Inbox in mail.sqlite with `count` messages, complete (oldestUid
 * = 1), so the app lists them from the store alone. The newest `cached` messages have their
 * source kept in the store (as a POP3 download or a local folder keeps a small one), so opening
 * them reads nothing from a server. syncedAt is set a day ahead so that listing does not start a
 * background sync while a benchmark measures (a real profile's is in the past).
 *
 * The account uses the test bed's settings where its testbed.json is found (alice), so the
 * app's background connections go to a real server and fail there quietly; placeholders otherwise.
 */
export function seedProfile(dataDir: string, { count, cached = 50, testbedDir = process.env.MUA_TESTBED_DIR ?? '/tmp/mua-testbed' }: { count: number; cached?: number; testbedDir?: string }) {
  const account = seededAccount(testbedDir);
  openSettingsFile(dataDir).set('accounts', [account]);
  const store = MessageStore.open(dataDir);
  try {
    const folder = (path: string, role: 'inbox' | 'sent' | 'trash') =>
      store.upsertFolder({ accountId: account.id, path, role, uidValidity: 1, uidNext: 1, highestModseq: null, total: 0, unread: 0 });
    const inbox = folder('INBOX', 'inbox');
    for (const [path, role] of [['Sent', 'sent'], ['Trash', 'trash']] as const) {
      const id = folder(path, role);
      store.applySync(id, { state: { oldestUid: 1, uidNext: 1, syncedAt: Date.now() + 86_400_000 } });
    }
    store.saveFolderList(account.id, [
      { path: 'INBOX', name: 'Inbox', role: 'inbox', delimiter: '/', selectable: true, subscribed: true, total: count, unread: 0 },
      { path: 'Sent', name: 'Sent', role: 'sent', delimiter: '/', selectable: true, subscribed: true, total: 0, unread: 0 },
      { path: 'Trash', name: 'Trash', role: 'trash', delimiter: '/', selectable: true, subscribed: true, total: 0, unread: 0 },
    ]);
    const start = Date.UTC(2020, 0, 1);
    const batch: MessageInput[] = [];
    const flush = (last: boolean) => {
      store.applySync(inbox, { upsert: batch, ...(last ? { state: { oldestUid: 1, uidNext: count + 1, syncedAt: Date.now() + 86_400_000 } } : {}) });
      batch.length = 0;
    };
    for (let uid = 1; uid <= count; uid++) {
      batch.push(seededMessage(uid, start + uid * 60_000, uid > count - cached));
      if (batch.length === 5_000 || uid === count) flush(uid === count);
    }
    for (let uid = Math.max(1, count - cached + 1); uid <= count; uid++) store.keepSource(inbox, uid, Buffer.from(seededSource(uid, start + uid * 60_000)));
  } finally {
    store.close();
  }
  return { account, subjectOf: seededSubject };
}

const SENDERS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'Ken Thompson'];
const TOPICS = ['Quarterly report', 'Lunch on Friday', 'Build is red', 'Design review', 'Holiday plans', 'Invoice', 'Meeting notes', 'Release checklist'];

export function seededSubject(uid: number): string {
  return `${TOPICS[uid % TOPICS.length]} #${uid}`;
}

function seededMessage(uid: number, at: number, cached: boolean): MessageInput {
  const name = SENDERS[uid % SENDERS.length]!;
  return {
    uid,
    messageId: `<seed-${uid}@example.test>`,
    inReplyTo: null,
    references: [],
    subject: seededSubject(uid),
    from: { name, address: `${name.split(' ')[0]!.toLowerCase()}@example.test` },
    to: [{ name: 'Alice', address: 'alice@example.test' }],
    cc: [],
    date: at,
    internalDate: at,
    size: 2_000 + (uid % 900),
    flags: { seen: cached || uid % 3 !== 0, flagged: uid % 17 === 0, answered: false, draft: false, deleted: false, keywords: [] },
    hasAttachments: uid % 11 === 0,
    snippet: `Message number ${uid}: a few words to show in the list`,
  };
}

function seededSource(uid: number, at: number): string {
  const name = SENDERS[uid % SENDERS.length]!;
  const lines = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of message ${uid}: the quick brown fox jumps over the lazy dog.`);
  return [
    `From: ${name} <${name.split(' ')[0]!.toLowerCase()}@example.test>`,
    'To: Alice <alice@example.test>',
    `Subject: ${seededSubject(uid)}`,
    `Date: ${new Date(at).toUTCString()}`,
    `Message-ID: <seed-${uid}@example.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...lines,
    '',
  ].join('\r\n');
}

function seededAccount(testbedDir: string): Account {
  const file = join(testbedDir, 'testbed.json');
  const bed = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Testbed) : undefined;
  const alice = bed?.users.find((u) => u.email.startsWith('alice@'));
  return {
    id: 'acc_seeded01',
    name: 'Alice Example',
    email: alice?.email ?? 'alice@example.test',
    imap: { host: bed?.imap.host ?? '127.0.0.1', port: bed?.imap.tlsPort ?? 993, security: 'tls' },
    smtp: { host: bed?.smtp.host ?? '127.0.0.1', port: bed?.smtp.submissionPort ?? 587, security: 'starttls' },
    sentCopy: 'append',
  };
}
