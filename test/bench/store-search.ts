/**
 * Local store benchmark (not a test): inserts synthetic messages in batches of 1,000 into a fresh
 * store in a temporary folder, then times 20 search queries (each run 5 times; p50/p95 over all),
 * a folder's list page, and a page of the unified inbox (that Inbox merged with two more accounts'
 * Inboxes of a tenth of its size, see main/store/merged-list.ts).
 *
 *   node --import tsx test/bench/store-search.ts [--messages 100000] [--no-bodies] [--keep]
 *
 * --no-bodies stores headers only (what an initial header sync writes; bodies come later).
 *
 * The data: subjects and bodies built from a 2,000-word vocabulary with a skewed (Zipf-like)
 * choice so common words match many messages and rare words few; 200 senders; about 1 KB of body
 * text per message; 10% with attachments, 30% unread, 5% flagged; dates spread over 3 years.
 * Deterministic (seeded), so runs compare.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MergedList } from '../../main/store/merged-list.js';
import { MessageStore, type MessageInput } from '../../main/store/message-store.js';
import { STORE_FILE_NAME } from '../../main/store/open-store.js';

const flagAt = process.argv.indexOf('--messages');
const total = flagAt === -1 ? 100_000 : Number(process.argv[flagAt + 1]);
if (!Number.isInteger(total) || total < 1) throw new Error('--messages takes a positive whole number');
const BATCH = 1_000;
const withBodies = !process.argv.includes('--no-bodies');

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'pa', 'qu', 'de', 'fo', 'gi', 'ha'];
const vocabulary = Array.from({ length: 2_000 }, (_, i) => {
  let w = '';
  for (let n = i + 1, k = 0; k < 3 || n > 0; k++, n = Math.floor(n / syllables.length)) w += syllables[n % syllables.length];
  return w;
});
const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!; // skewed to the front
const words = (n: number) => Array.from({ length: n }, word).join(' ');
const people = Array.from({ length: 200 }, (_, i) => ({ name: `Person ${vocabulary[i * 7]!} ${vocabulary[i * 7 + 1]!}`, address: `user${i}@host${i % 20}.example` }));
const start = Date.UTC(2022, 0, 1);
const span = 3 * 365 * 86_400_000;

function makeMessage(uid: number): MessageInput {
  const from = people[Math.floor(random() * people.length)]!;
  const to = people[Math.floor(random() * people.length)]!;
  return {
    uid, messageId: `<${uid}@bench>`, inReplyTo: null, references: [], subject: words(6), from, to: [to], cc: [],
    date: start + Math.floor((uid / total) * span), internalDate: start + Math.floor((uid / total) * span), size: 2_000 + Math.floor(random() * 50_000),
    flags: { seen: random() > 0.3, flagged: random() < 0.05, answered: false, draft: false, deleted: false, keywords: [] },
    hasAttachments: random() < 0.1, bodyText: withBodies ? words(150) : null, snippet: null,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mua-bench-store-'));
const store = MessageStore.open(dir);
const folderId = store.upsertFolder({ accountId: 'bench', path: 'INBOX', role: 'inbox', uidValidity: 1, uidNext: total + 1, highestModseq: null, total: null, unread: null });

let generating = 0;
const t0 = performance.now();
for (let first = 1; first <= total; first += BATCH) {
  const g = performance.now();
  const batch = Array.from({ length: Math.min(BATCH, total - first + 1) }, (_, i) => makeMessage(first + i));
  generating += performance.now() - g;
  store.upsertMessages(folderId, batch);
}
const insertMs = performance.now() - t0 - generating;

const common = vocabulary[0]!;
const mid = vocabulary[60]!;
const rare = vocabulary[1_500]!;
const person = people[17]!;
const queries = [
  common, mid, rare, `${common} ${mid}`, `"${vocabulary[1]!} ${vocabulary[2]!}"`, common.slice(0, 3), mid.slice(0, 4),
  `from:${person.address}`, `from:${person.name.split(' ')[1]!}`, `to:user42`, `subject:${mid}`, `subject:${rare}`,
  'has:attachment', 'is:unread', 'is:flagged', `${common} is:unread`, `${mid} has:attachment`, `before:2023-01-01 ${mid}`,
  `after:2024-06-01 from:user3`, `${common} -${vocabulary[1]!}`,
];
const times: number[] = [];
const perQuery: string[] = [];
for (const q of queries) {
  const runs: number[] = [];
  let hits = 0;
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    hits = store.search(q, { utc: true, limit: 100 }).length;
    runs.push(performance.now() - s);
  }
  times.push(...runs);
  perQuery.push(`  ${q.padEnd(40)} ${String(hits).padStart(3)} hits  median ${runs.sort((a, b) => a - b)[2]!.toFixed(2)} ms`);
}
const sorted = [...times].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const listS = performance.now();
store.listMessages(folderId, { limit: 100, before: { internalDate: start + span / 2, uid: total / 2 } });
const listMs = performance.now() - listS;

// The unified inbox: two more accounts' Inboxes (a tenth of the first's size each, headers
// only), merged newest first with the first; a page of 200 at the top and one mid-history.
const others = [2, 3].map((n) =>
  store.upsertFolder({ accountId: `bench-${n}`, path: 'INBOX', role: 'inbox', uidValidity: 1, uidNext: null, highestModseq: null, total: null, unread: null }),
);
const otherCount = Math.max(1, Math.floor(total / 10));
for (const [k, id] of others.entries()) {
  for (let first = 1; first <= otherCount; first += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, otherCount - first + 1) }, (_, i) => {
      const m = makeMessage(first + i);
      const when = start + Math.floor(((first + i) / otherCount) * span) + k;
      return { ...m, bodyText: null, date: when, internalDate: when };
    });
    store.upsertMessages(id, batch);
  }
}
const merged = new MergedList(store.db);
const inboxes = [folderId, ...others];
const mergedPage = (before?: { internalDate: number; folderId: number; uid: number }) => {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    merged.list(inboxes, { limit: 200, before });
    runs.push(performance.now() - s);
  }
  return runs.sort((a, b) => a - b)[2]!;
};
const mergedTopMs = mergedPage();
const mergedMidMs = mergedPage({ internalDate: start + span / 2, folderId, uid: Math.floor(total / 2) });
store.close();
const size = ['', '-wal'].reduce((sum, suffix) => {
  try {
    return sum + statSync(join(dir, STORE_FILE_NAME + suffix)).size;
  } catch {
    return sum;
  }
}, 0);

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
console.log(`data: ${total} synthetic messages, batches of ${BATCH}, ${withBodies ? '~1 KB body text each' : 'headers only'}, store in ${tmpdir()}`);
console.log(`insert: ${insertMs.toFixed(0)} ms (${Math.round(total / (insertMs / 1000))} messages/s), excluding ${generating.toFixed(0)} ms generating data`);
console.log(`store size: ${(size / 1024 / 1024).toFixed(1)} MiB`);
console.log(`list page (100, mid-folder cursor): ${listMs.toFixed(2)} ms`);
console.log(`unified inbox page (200, 3 inboxes, ${(total + 2 * otherCount).toLocaleString('en')} messages): top ${mergedTopMs.toFixed(2)} ms, mid-history ${mergedMidMs.toFixed(2)} ms (medians of 5)`);
console.log(`search: ${queries.length} queries x 5 runs, limit 100: p50 ${pct(50).toFixed(2)} ms, p95 ${pct(95).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`);
console.log(perQuery.join('\n'));
if (process.argv.includes('--keep')) console.log(`kept: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
