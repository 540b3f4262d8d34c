/**
 * IMAP sync benchmark (issue 4): our header sync into the store against the library's limit, a
 * bare imapflow FETCH that stores nothing, on the same mailbox in the same run, alternating.
 *
 *   node --expose-gc --import tsx test/bench/imap-sync.ts [--sizes 10000,100000] [--runs 3] [--no-fill]
 *
 * For each size: `testbed.sh fill carol N BenchN --replace --warm` (realistic generated mail, see
 * test/testbed/fill-mailbox.mjs), then `runs` rounds of [bare, ours], each run in a child process
 * of its own so that its peak RSS (getrusage maxrss) is its own. Ours: the initial header sync
 * into a fresh store (ImapSession + syncFolder, the code the app runs), then a resync with no
 * change (median of 3), a resync after 1% of the messages had \Flagged toggled by another
 * session, and 20 searches (5 times each) over the synced store.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connectImap } from '../../main/imap/connect.js';
import { ImapSession } from '../../main/imap/imap-session.js';
import { syncFolder } from '../../main/imap/sync-folder.js';
import { MessageStore } from '../../main/store/message-store.js';
import { WorkerStoreWriter } from '../../main/store/store-writer.js';
import { bareFetch, readTestbed, runWithTestbedCa, testbedImapAccount } from './imap-bare-fetch.js';

type RunResult = {
  mode: 'bare' | 'ours';
  messages: number;
  /** Connect, login, open and fetch (bare); connect, login and the whole initial sync (ours). */
  totalMs: number;
  maxRssMb: number;
  noChangeResyncMs?: number;
  flagResyncMs?: number;
  flagsChanged?: number;
  searchP50Ms?: number;
  searchP95Ms?: number;
  storeMessages?: number;
  /** From the end of the sync until every search entry and conversation is written. */
  threadsDoneMs?: number;
  /** Replies (In-Reply-To) stored, and how many of them needed their References fetched (parent not stored). */
  replies?: number;
  referencesFetched?: number;
};

const MB = 1024; // maxRSS is in KiB

async function child(mode: 'bare' | 'ours', mailbox: string): Promise<RunResult> {
  const bed = readTestbed();
  const { account, password } = testbedImapAccount(bed, 'carol');
  if (mode === 'bare') {
    const r = await bareFetch({ account, password, mailbox });
    return { mode, messages: r.messages, totalMs: r.openMs + r.ms, maxRssMb: process.resourceUsage().maxRSS / MB };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mua-bench-sync-'));
  const store = MessageStore.open(dir);
  const folderId = store.saveFolderList(account.id, [
    { path: mailbox, name: mailbox, role: null, delimiter: '/', selectable: true, subscribed: true, total: null, unread: null },
  ])[0]!.id;
  try {
    // The app starts its writer with the store, long before an account is added: not timed.
    const writer = new WorkerStoreWriter(dir, new URL('../../main/store/store-writer-worker.ts', import.meta.url));
    await writer.apply(folderId, {});
    const started = performance.now();
    const session = new ImapSession(account, password);
    await session.run((client) => syncFolder(client, store, folderId, mailbox, { writer, batchSize: Number(process.env.BENCH_BATCH ?? 2000) }));
    const totalMs = performance.now() - started;
    const messages = store.counts(folderId).total;
    const replies = store.db.prepare('SELECT count(*) FROM messages WHERE folder_id = ? AND in_reply_to IS NOT NULL').pluck().get(folderId) as number;
    const referencesFetched = store.db.prepare("SELECT count(*) FROM messages WHERE folder_id = ? AND in_reply_to IS NOT NULL AND references_ids <> '[]'").pluck().get(folderId) as number;
    // The history's search entries and the conversations are worked out by the writer once the
    // sync has gone quiet: how long after until both are done.
    const unthreaded = store.db.prepare('SELECT count(*) FROM messages WHERE thread_id IS NULL').pluck();
    while ((unthreaded.get() as number) > 0 || store.hasPendingIndex()) await new Promise((r) => setTimeout(r, 50));
    const threadsDoneMs = performance.now() - started - totalMs;

    const noChange: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const r = await session.run((client) => syncFolder(client, store, folderId, mailbox, { writer }));
      noChange.push(performance.now() - t);
      if (r.added || r.removed || r.flagsChanged) throw new Error(`a resync with no change found changes: ${JSON.stringify(r)}`);
    }

    // 1% of the messages get \Flagged toggled by another session.
    const other = await connectImap(account, password);
    const uids = store.uids(folderId).filter((_, i) => i % 100 === 7);
    const lock = await other.getMailboxLock(mailbox);
    try {
      const flagged = new Set(uids.filter((uid) => store.message(folderId, uid)!.flags.flagged));
      const add = uids.filter((u) => !flagged.has(u));
      if (add.length) await other.messageFlagsAdd(add.join(','), ['\\Flagged'], { uid: true });
      if (flagged.size) await other.messageFlagsRemove([...flagged].join(','), ['\\Flagged'], { uid: true });
    } finally {
      lock.release();
      await other.logout();
    }
    const t = performance.now();
    const changed = await session.run((client) => syncFolder(client, store, folderId, mailbox, { writer }));
    const flagResyncMs = performance.now() - t;
    await session.close();
    await writer.close();

    const { p50, p95 } = searchLatency(store);
    return {
      mode,
      messages,
      totalMs,
      maxRssMb: process.resourceUsage().maxRSS / MB,
      noChangeResyncMs: median(noChange),
      flagResyncMs,
      flagsChanged: changed.flagsChanged,
      searchP50Ms: p50,
      searchP95Ms: p95,
      storeMessages: store.counts(folderId).total,
      threadsDoneMs,
      replies,
      referencesFetched,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 20 queries taken from the synced data itself (words of its subjects, its senders), 5 runs each. */
function searchLatency(store: MessageStore): { p50: number; p95: number; queries: string[] } {
  const rows = store.db.prepare('SELECT subject, from_address FROM messages ORDER BY id LIMIT 2000').all() as { subject: string; from_address: string | null }[];
  const words = [...new Set(rows.flatMap((r) => r.subject.toLowerCase().match(/\p{L}{5,}/gu) ?? []))];
  const pick = (i: number) => words[(i * 7919) % Math.max(1, words.length)] ?? 'meeting';
  const sender = rows.find((r) => r.from_address)?.from_address ?? 'a@b';
  const queries = [
    pick(1), pick(2), pick(3), pick(4), `${pick(5)} ${pick(6)}`, `"${pick(7)}"`, `from:${sender.split('@')[0]}`,
    `from:${sender}`, `to:carol`, 'has:attachment', 'is:unread', 'is:flagged', `subject:${pick(8)}`,
    `${pick(9)} has:attachment`, `${pick(10)} is:unread`, 'after:2025-01-01', 'before:2024-06-01',
    `${pick(11)} after:2024-01-01`, `-${pick(12)} ${pick(13)}`, `${pick(14).slice(0, 3)}`,
  ];
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of queries) {
      const t = performance.now();
      store.search(q, { limit: 100 });
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]!, queries };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

function runChild(mode: 'bare' | 'ours', mailbox: string): RunResult {
  const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', mode, '--mailbox', mailbox], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 1 << 24,
  });
  if (out.status !== 0) throw new Error(`${mode} run failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as RunResult;
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      runs: { type: 'string', default: '3' },
      'no-fill': { type: 'boolean', default: false },
      child: { type: 'string' },
      mailbox: { type: 'string' },
    },
  });
  const bed = readTestbed();
  runWithTestbedCa(bed);
  if (values.child) {
    console.log(JSON.stringify(await child(values.child as 'bare' | 'ours', values.mailbox!)));
    return;
  }
  const runs = Number(values.runs);
  console.log(`IMAP sync benchmark: ${cpus().length} cores, Node ${process.versions.node}, ${bed.imap.host}:${bed.imap.tlsPort} TLS, Dovecot from the test bed`);
  for (const size of values.sizes.split(',').map(Number)) {
    const mailbox = `Bench${size}`;
    if (!values['no-fill']) {
      const script = join(import.meta.dirname, '..', 'testbed', 'testbed.sh');
      const t = performance.now();
      execFileSync('bash', [script, 'fill', 'carol', String(size), mailbox, '--replace', '--warm', '--seed', '1'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, MUA_TESTBED_DIR: bed.stateDir, MUA_NODE: process.execPath },
      });
      console.log(`\n${size} messages in ${mailbox} (filled and warmed in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
    // One warm-up of each, not counted: Dovecot's cache settles over the first two reads.
    runChild('bare', mailbox);
    runChild('bare', mailbox);
    const bare: RunResult[] = [];
    const ours: RunResult[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(runChild('bare', mailbox));
      ours.push(runChild('ours', mailbox));
      const b = bare.at(-1)!;
      const o = ours.at(-1)!;
      console.log(
        `  round ${i + 1}: bare ${b.totalMs.toFixed(0)} ms (RSS ${b.maxRssMb.toFixed(0)} MB), ours ${o.totalMs.toFixed(0)} ms (RSS ${o.maxRssMb.toFixed(0)} MB), ` +
          `ratio ${(o.totalMs / b.totalMs).toFixed(2)}; resync no change ${o.noChangeResyncMs!.toFixed(0)} ms, after 1% flags ${o.flagResyncMs!.toFixed(0)} ms ` +
          `(${o.flagsChanged} changed); index and threads done ${(o.threadsDoneMs! / 1000).toFixed(1)} s after; search p50 ${o.searchP50Ms!.toFixed(1)} ms p95 ${o.searchP95Ms!.toFixed(1)} ms; stored ${o.storeMessages}/${b.messages}; ` +
          `References stored for ${o.referencesFetched} of ${o.replies} replies (fetched for the first batch and where the parent is not stored)`,
      );
    }
    const mb = median(bare.map((r) => r.totalMs));
    const mo = median(ours.map((r) => r.totalMs));
    console.log(
      `  median: bare ${mb.toFixed(0)} ms, ours ${mo.toFixed(0)} ms, ratio ${(mo / mb).toFixed(2)}; ` +
        `no-change resync ${median(ours.map((r) => r.noChangeResyncMs!)).toFixed(0)} ms; 1% flags resync ${median(ours.map((r) => r.flagResyncMs!)).toFixed(0)} ms; ` +
        `search p95 ${median(ours.map((r) => r.searchP95Ms!)).toFixed(1)} ms; peak RSS bare ${median(bare.map((r) => r.maxRssMb)).toFixed(0)} MB, ours ${median(ours.map((r) => r.maxRssMb)).toFixed(0)} MB`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
