/**
 * Benchmark (issue 3): our outbox end to end (enqueue → final 250) against a plain nodemailer
 * loop over one pooled connection, the library's own limit, in the same run, through the test
 * bed's real Postfix on 587 with STARTTLS and AUTH.
 *
 *   npm run bench:outbox            (brings the test bed up itself; needs root like the tests)
 *
 * Data: 500 small text messages (about 1 KB), then 20 messages with a 5 MB binary attachment
 * (about 6.8 MB on the wire). Each side runs five times, alternating, and the medians are
 * compared. Both sides are handed every message at once. Peak RSS above the idle baseline is
 * sampled every 10 ms while the outbox sends 20 already queued 5 MB messages.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { ParsedOutgoing } from '../../main/mime/compose-message.js';
import { Outbox, type OutboxOptions } from '../../main/outbox/outbox.js';
import { PooledSmtpSender } from '../../main/smtp/pooled-sender.js';
import { smtpTransportOptions } from '../../main/smtp/transport-options.js';
import type { Account } from '../../shared/schemas.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TESTBED = join(ROOT, 'test', 'testbed', 'testbed.sh');

/**
 * `--server-on-tmpfs` runs a second test bed whose Postfix queue and Dovecot mailboxes live in
 * memory (/dev/shm), on 127.0.0.3/127.0.0.4: a server with storage of its own, as a real one is,
 * so the client's fsyncs do not queue behind the server's on the one disk of this machine. The
 * client's outbox stays on the real disk, with every fsync.
 */
const SERVER_ON_TMPFS = process.argv.includes('--server-on-tmpfs');
const STATE_DIR = SERVER_ON_TMPFS ? '/dev/shm/mua-testbed-bench' : (process.env.MUA_TESTBED_DIR ?? '/tmp/mua-testbed');
const TESTBED_ENV = SERVER_ON_TMPFS
  ? { ...process.env, MUA_TESTBED_DIR: STATE_DIR, MUA_TESTBED_SMTP_HOST: '127.0.0.3', MUA_TESTBED_IMAP_HOST: '127.0.0.4' }
  : { ...process.env, MUA_TESTBED_DIR: STATE_DIR };

if (!process.env.MUA_BENCH_CHILD) {
  // The test CA must be known to Node from the start: bring the test bed up, then run again.
  execFileSync('bash', [TESTBED, 'up'], { stdio: 'inherit', env: TESTBED_ENV });
  const bed = JSON.parse(readFileSync(join(STATE_DIR, 'testbed.json'), 'utf8')) as { caFile: string };
  const again = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bed.caFile, MUA_BENCH_CHILD: '1', MUA_LOG: 'silent' },
  });
  process.exit(again.status ?? 1);
}

type Bed = {
  stateDir: string;
  smtp: { host: string; submissionPort: number };
  imap: { host: string; tlsPort: number };
  users: { email: string; password: string }[];
};
const bed = JSON.parse(readFileSync(join(STATE_DIR, 'testbed.json'), 'utf8')) as Bed;
const alice = bed.users.find((u) => u.email.startsWith('alice@'))!;
const bob = bed.users.find((u) => u.email.startsWith('bob@'))!;
const account: Account = {
  id: 'acc_benchmark',
  name: 'Alice Bench',
  email: alice.email,
  imap: { host: bed.imap.host, port: bed.imap.tlsPort, security: 'tls' },
  smtp: { host: bed.smtp.host, port: bed.smtp.submissionPort, security: 'starttls' },
  sentCopy: 'provider',
};

/** Alternating rounds per workload; the median of each side is compared (the machine is noisy). */
const ROUNDS = 5;
const SMALL = 500;
const LARGE = 20;
const LARGE_BYTES = 5 * 1024 * 1024;
const attachment = randomBytes(LARGE_BYTES);
const attachmentBase64 = attachment.toString('base64');
const smallText = 'Hello Bob,\n' + 'This is a benchmark message of about one kilobyte. '.repeat(18) + '\nAlice\n';

/**
 * Empties the mailboxes between runs, once Postfix has handed everything to Dovecot: a reset
 * while LMTP still delivers would race with it (and the next run would pay for the backlog).
 */
function resetMailboxes() {
  const config = join(bed.stateDir, 'postfix', 'etc');
  const deadline = Date.now() + 120_000;
  while (!execFileSync('postqueue', ['-c', config, '-p'], { encoding: 'utf8' }).includes('Mail queue is empty')) {
    if (Date.now() > deadline) throw new Error('Postfix did not empty its queue within 2 minutes');
    execFileSync('sleep', ['0.2']);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('bash', [TESTBED, 'reset'], { stdio: 'pipe', env: TESTBED_ENV });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** The library's limit: nodemailer's own pool, one connection, every message handed over at once. */
async function referenceRun(count: number, large: boolean): Promise<number> {
  const transport = nodemailer.createTransport({
    ...smtpTransportOptions(account, alice.password),
    pool: true,
    maxConnections: 1,
    maxMessages: Infinity,
  });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, n) =>
      transport.sendMail({
        from: { name: account.name, address: account.email },
        to: bob.email,
        subject: `Reference ${n}`,
        text: smallText,
        attachments: large ? [{ filename: 'blob.bin', content: attachment, contentType: 'application/octet-stream' }] : undefined,
      }),
    ),
  );
  const elapsed = performance.now() - started;
  transport.close();
  return elapsed;
}

/**
 * An outbox in a fresh folder, sending over its own pooled connection; `allSent` settles at the
 * count-th final 250, and `close` stops it and removes the folder.
 */
function benchOutbox(count: number, options: Partial<OutboxOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mua-bench-outbox-'));
  const sender = new PooledSmtpSender();
  let sent = 0;
  let done!: () => void;
  const allSent = new Promise<void>((resolve) => (done = resolve));
  const outbox = new Outbox({
    dir,
    credentials: async () => ({ account, password: alice.password }),
    send: (a, p, submission) => sender.send(a, p, submission),
    undoDelayMs: 0,
    ...options,
    onSent: () => {
      if (++sent === count) done();
    },
  });
  const close = async () => {
    await outbox.stop();
    sender.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { outbox, allSent, close };
}

/** Message n of a run to Bob: about 1 KB of text, and the 5 MB attachment when `large`. */
function benchMessage(label: string, n: number, large: boolean): ParsedOutgoing {
  return {
    accountId: account.id,
    to: [bob.email],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: `${label} ${n}`,
    text: smallText,
    references: [],
    attachments: large ? [{ filename: 'blob.bin', contentType: 'application/octet-stream', contentBase64: attachmentBase64 }] : [],
  };
}

/** Ours: each message written durably to the outbox, then sent over the pooled connection. */
async function outboxRun(count: number, large: boolean, sampleMemory = false): Promise<{ ms: number; peakRssMb?: number }> {
  const { outbox, allSent, close } = benchOutbox(count);
  outbox.start();
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  if (sampleMemory) sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - baseline)), 10);
  const started = performance.now();
  // Every message handed over at once, as the reference hands them to nodemailer's pool.
  const enqueued: Promise<unknown>[] = [];
  for (let n = 0; n < count; n++) enqueued.push(outbox.enqueue(account, benchMessage('Outbox', n, large)));
  await Promise.all(enqueued);
  await allSent;
  const ms = performance.now() - started;
  clearInterval(sampler);
  await close();
  return sampleMemory ? { ms, peakRssMb: peak / 1024 / 1024 } : { ms };
}

/**
 * Peak memory while the large messages are being sent: all 20 are queued first (the composer's
 * input is let go), then the clock is moved past their undo window and the RSS above that idle
 * baseline is sampled every 10 ms until the last 250.
 */
async function sendingMemory(count: number): Promise<{ peakRssMb: number; heapMb: number; idleHeapMb: number }> {
  let offset = 0;
  const { outbox, allSent, close } = benchOutbox(count, { undoDelayMs: 60_000, now: () => Date.now() + offset });
  for (let n = 0; n < count; n++) await outbox.enqueue(account, benchMessage('Memory', n, true));
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage();
  let peakRss = 0;
  let peakHeap = baseline.heapUsed + baseline.external;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss - baseline.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed + now.external);
  }, 10);
  offset = 120_000;
  outbox.start();
  await allSent;
  clearInterval(sampler);
  await close();
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return { peakRssMb: mb(peakRss), heapMb: mb(peakHeap), idleHeapMb: mb(baseline.heapUsed + baseline.external) };
}

function line(label: string, count: number, ms: number) {
  return `${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${(count / (ms / 1000)).toFixed(1).padStart(7)} msg/s`;
}

async function main() {
  console.log(
    `Outbox benchmark — ${cpus().length} cores, Node ${process.version}, Postfix on ${bed.smtp.host}:${bed.smtp.submissionPort} (STARTTLS + AUTH), ` +
      `server storage: ${SERVER_ON_TMPFS ? 'tmpfs (its own)' : 'the same disk as the outbox'}`,
  );
  resetMailboxes();
  // Warm-up: first TLS handshakes, Postfix's first LMTP connection.
  await referenceRun(5, false);
  await outboxRun(5, false);

  const smallRef: number[] = [];
  const smallOurs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    smallRef.push(await referenceRun(SMALL, false));
    resetMailboxes();
    smallOurs.push((await outboxRun(SMALL, false)).ms);
    resetMailboxes();
  }
  const largeRef: number[] = [];
  const largeOurs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    largeRef.push(await referenceRun(LARGE, true));
    resetMailboxes();
    const ours = await outboxRun(LARGE, true);
    largeOurs.push(ours.ms);
    resetMailboxes();
  }
  const memory = await sendingMemory(LARGE);
  resetMailboxes();
  const best = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\n${SMALL} small messages (runs: reference ${smallRef.map((x) => x.toFixed(0)).join(', ')} ms; outbox ${smallOurs.map((x) => x.toFixed(0)).join(', ')} ms)`);
  console.log(line('  nodemailer pool (reference)', SMALL, best(smallRef)));
  console.log(line('  outbox, enqueue to final 250', SMALL, best(smallOurs)));
  console.log(`  ratio outbox / reference: ${(best(smallOurs) / best(smallRef)).toFixed(3)} (target ≤ 1.15)`);
  console.log(`\n${LARGE} messages with a 5 MB attachment (runs: reference ${largeRef.map((x) => x.toFixed(0)).join(', ')} ms; outbox ${largeOurs.map((x) => x.toFixed(0)).join(', ')} ms)`);
  console.log(line('  nodemailer pool (reference)', LARGE, best(largeRef)));
  console.log(line('  outbox, enqueue to final 250', LARGE, best(largeOurs)));
  console.log(`  ratio outbox / reference: ${(best(largeOurs) / best(largeRef)).toFixed(3)} (target ≤ 1.15)`);
  console.log(
    `  while the outbox sends the ${LARGE} queued 5 MB messages: peak RSS ${memory.peakRssMb.toFixed(1)} MB above idle; JS heap + buffers peak ${memory.heapMb.toFixed(1)} MB against ${memory.idleHeapMb.toFixed(1)} MB idle (the benchmark itself holds the 5 MB attachment twice; one message is ~6.8 MB encoded)`,
  );
}

await main();
