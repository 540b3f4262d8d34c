/**
 * The POP3 download benchmark (issue 5): our download loop (UIDL, RETR streamed to a file per
 * message, each message fsynced and stored with its UIDL record before the next) against a bare
 * loop of RETR over a raw TLS socket that stores nothing, both over 995 from the test bed's
 * Dovecot, on the same maildrop, alternating, in the same go.
 *
 *   node --expose-gc --import tsx test/bench/pop3-download.ts [--count 5000] [--runs 3] [--no-fill] [--user dave]
 *
 * The maildrop is refilled first with COUNT generated messages (`testbed.sh fill USER COUNT
 * INBOX --replace`, the same generator as the IMAP benchmark: mostly plain text of 1–8 KB, a
 * few with attachments) unless --no-fill. Every run of ours starts from an empty store, so each
 * downloads all COUNT messages; messages stay on the server (leave on server, the default).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:tls';
import { parseArgs } from 'node:util';
import { checkPop3 } from '../../main/pop3/download-loop.js';
import { readDownloadedBodies } from '../../main/pop3/read-downloaded-bodies.js';
import { MessageStore } from '../../main/store/message-store.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    user: { type: 'string', default: 'dave' },
    'no-fill': { type: 'boolean', default: false },
  },
});

type Bed = { caFile: string; stateDir: string; pop3: { host: string; tlsPort: number }; users: { email: string; password: string }[] };
const ROOT = resolve(import.meta.dirname, '..', '..');
const TESTBED = join(ROOT, 'test', 'testbed', 'testbed.sh');
const stateDir = process.env.MUA_TESTBED_DIR ?? '/tmp/mua-testbed';
execFileSync('bash', [TESTBED, 'up'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, MUA_TESTBED_DIR: stateDir } });
const bed = JSON.parse(readFileSync(join(stateDir, 'testbed.json'), 'utf8')) as Bed;
// The client trusts the test bed's CA as the tests do: through NODE_EXTRA_CA_CERTS, read at start.
if (process.env.NODE_EXTRA_CA_CERTS !== bed.caFile) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bed.caFile },
  });
  process.exit(child.status ?? 1);
}
const who = bed.users.find((u) => u.email.startsWith(`${args.user}@`));
if (!who) throw new Error(`the test bed has no user ${args.user}`);
const count = Number(args.count);
const ca = readFileSync(bed.caFile);

if (!args['no-fill']) {
  const started = performance.now();
  execFileSync('bash', [TESTBED, 'fill', who.email, String(count), 'INBOX', '--replace', '--seed', '5'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MUA_TESTBED_DIR: stateDir, MUA_NODE: process.execPath },
  });
  console.log(`filled ${who.email} INBOX with ${count} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

type Result = { ms: number; messages: number; bytes: number; cpuMs: number; peakRssMb: number; readMs?: number };

/**
 * The reference: log in over implicit TLS, STAT, then RETR 1..n one after another, reading each
 * answer up to its terminating CRLF.CRLF and throwing it away. No parsing beyond finding the end,
 * no dot-unstuffing, no file, no store: what the wire and the server allow.
 */
async function bareRetr(): Promise<Result> {
  const socket = connect({ host: bed.pop3.host, port: bed.pop3.tlsPort, ca, servername: 'localhost' });
  // Status lines are read from `pending`; a RETR body is only scanned chunk by chunk for its end
  // (keeping the last four bytes for a terminator split across chunks), never collected.
  let pending: Buffer = Buffer.alloc(0);
  let sink: ((chunk: Buffer) => void) | undefined;
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    if (sink) sink(chunk);
    else pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    waiting?.();
  });
  const more = () => new Promise<void>((r) => (waiting = r));
  const line = async (): Promise<string> => {
    for (;;) {
      const end = pending.indexOf('\r\n');
      if (end >= 0) {
        const text = pending.subarray(0, end).toString('latin1');
        pending = pending.subarray(end + 2);
        return text;
      }
      await more();
    }
  };
  const command = async (text: string) => {
    socket.write(text + '\r\n');
    const reply = await line();
    if (!reply.startsWith('+OK')) throw new Error(`${text.split(' ')[0]}: ${reply}`);
    return reply;
  };
  /** Consumes a multi-line answer up to CRLF.CRLF (the status line's CRLF counts as the first). */
  const body = async (): Promise<number> => {
    let tail: Buffer = Buffer.from('\r\n');
    let size = 0;
    let done = false;
    const scan = (chunk: Buffer) => {
      const joined = Buffer.concat([tail, chunk]);
      const end = joined.indexOf('\r\n.\r\n');
      if (end >= 0) {
        size += end - tail.length + 2;
        pending = joined.subarray(end + 5);
        done = true;
        sink = undefined;
        return;
      }
      size += chunk.length;
      tail = joined.subarray(Math.max(0, joined.length - 4));
    };
    const first = pending;
    pending = Buffer.alloc(0);
    sink = scan;
    if (first.length) scan(first);
    while (!done) await more();
    return size;
  };
  await new Promise<void>((r, j) => socket.once('secureConnect', r).once('error', j));
  await line();
  await command(`USER ${who!.email}`);
  await command(`PASS ${who!.password}`);
  const messages = Number((await command('STAT')).split(' ')[1]);
  const cpu = process.cpuUsage();
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  let bytes = 0;
  for (let n = 1; n <= messages; n++) {
    await command(`RETR ${n}`);
    bytes += await body();
    if (n % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await command('QUIT');
  socket.end();
  return { ms, messages, bytes, cpuMs: (used.user + used.system) / 1000, peakRssMb: peakRss / 1e6 };
}

/** Ours: checkPop3 into a fresh store, exactly as the app runs it (fsync per message included). */
async function ourLoop(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-bench-'));
  const store = MessageStore.open(dir);
  let peakRss = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const summary = await checkPop3({
      store,
      accountId: 'bench-pop3',
      settings: { host: bed.pop3.host, port: bed.pop3.tlsPort, security: 'tls' },
      credentials: { user: who!.email, password: who!.password },
      bodiesDir: join(dir, 'bodies'),
      // Timed on its own below: the download ends with every row, file and UIDL record durable.
      readBodies: false,
      onProgress: ({ done }) => {
        if (done % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      },
    });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const readStarted = performance.now();
    const inbox = store.folderByPath('bench-pop3', 'INBOX')!;
    const read = await readDownloadedBodies(store, join(dir, 'bodies'), inbox.id);
    const readMs = performance.now() - readStarted;
    if (read !== summary.downloaded) console.log(`  note: read ${read} bodies of ${summary.downloaded}`);
    const bytes = store.db.prepare('SELECT coalesce(sum(size), 0) FROM messages').pluck().get() as number;
    return { ms, messages: summary.downloaded, bytes, cpuMs: (used.user + used.system) / 1000, peakRssMb: peakRss / 1e6, readMs };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs = Number(args.runs);
console.log(
  `POP3 download benchmark: ${cpus().length} cores, Node ${process.versions.node}, ${bed.pop3.host}:${bed.pop3.tlsPort} TLS, ` +
    `Dovecot from the test bed, ${who.email}, store in ${tmpdir()}`,
);
const bare: Result[] = [];
const ours: Result[] = [];
for (let i = 0; i < runs; i++) {
  // Alternating, the reference first in even runs: neither side always meets the warmer cache.
  const order = i % 2 === 0 ? [bareRetr, ourLoop] : [ourLoop, bareRetr];
  for (const run of order) {
    (globalThis as { gc?: () => void }).gc?.();
    const result = await run();
    (run === bareRetr ? bare : ours).push(result);
    console.log(
      `  run ${i + 1} ${run === bareRetr ? 'bare RETR' : 'our loop '}: ${result.messages} messages, ${(result.bytes / 1e6).toFixed(1)} MB in ` +
        `${result.ms.toFixed(0)} ms (${((result.messages / result.ms) * 1000).toFixed(0)}/s), CPU ${result.cpuMs.toFixed(0)} ms, peak RSS ${result.peakRssMb.toFixed(0)} MB` +
        (result.readMs === undefined ? '' : `; then every text read and indexed in ${result.readMs.toFixed(0)} ms`),
    );
  }
}
for (const r of [...bare, ...ours]) if (r.messages !== count) console.log(`  note: a run saw ${r.messages} messages, not ${count}`);
const b = median(bare.map((r) => r.ms));
const o = median(ours.map((r) => r.ms));
console.log(`median: bare RETR ${b.toFixed(0)} ms, our loop ${o.toFixed(0)} ms, ratio ${(o / b).toFixed(2)} (target ≤ 1.3)`);
console.log(`per run ratios: ${ours.map((r, i) => (r.ms / bare[i]!.ms).toFixed(2)).join(', ')}`);
const withText = median(ours.map((r) => r.ms + (r.readMs ?? 0)));
console.log(`with the text read and indexed too: median ${withText.toFixed(0)} ms, ratio ${(withText / b).toFixed(2)}`);
