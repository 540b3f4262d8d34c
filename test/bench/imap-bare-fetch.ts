/**
 * The reference side of the IMAP sync benchmark (issue 4): the library's limit for a header sync.
 * One imapflow connection, the mailbox opened read-only (EXAMINE), then
 * `FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)` with every message
 * parsed by imapflow and thrown away: no store, no work per message but counting.
 *
 *   node --import tsx test/bench/imap-bare-fetch.ts [--user carol] [--mailbox INBOX] [--runs 3]
 *        [--fill N [--seed S]]
 *
 * Reads the test bed's testbed.json (MUA_TESTBED_DIR, else /tmp/mua-testbed); the test bed must
 * be up (`bash test/testbed/testbed.sh up`). `--fill N` first refills the mailbox with N messages
 * (`testbed.sh fill USER N MAILBOX --replace --seed S`), so the first run meets Dovecot's cold
 * cache (it parses every message for ENVELOPE/BODYSTRUCTURE) and later runs a warm one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import { imapOptions } from '../../main/imap/connect.js';
import type { Account } from '../../shared/schemas.js';

export type BareFetchOptions = {
  account: Account;
  password: string;
  /** Default INBOX. */
  mailbox?: string;
  /** RSS is sampled every 1,000 messages and on this timer as well (ms, default 10). */
  sampleEveryMs?: number;
};

export type BareFetchResult = {
  /** FETCH responses received (every message in the mailbox). */
  messages: number;
  /** What EXAMINE said the mailbox holds. */
  exists: number;
  /** The FETCH alone: from sending it to its tagged OK, all responses parsed. */
  ms: number;
  /** Connect, TLS, login and EXAMINE before it. */
  openMs: number;
  /** The process's peak resident set size during the FETCH, MB (10^6 bytes). */
  peakRssMb: number;
  /** The resident set size just before the FETCH, MB. */
  rssBeforeMb: number;
  /** CPU time this process spent during the FETCH (user + system), ms: the rest is the server. */
  cpuMs: number;
};

const MB = 1_000_000;

/** Connects, opens `mailbox` read-only, fetches every message's headers and structure, logs out. */
export async function bareFetch(options: BareFetchOptions): Promise<BareFetchResult> {
  const { account, password, mailbox = 'INBOX', sampleEveryMs = 10 } = options;
  const opened = performance.now();
  const client = new ImapFlow(imapOptions(account, password));
  client.on('error', () => {}); // the failing command rejects; an error event must not crash us
  try {
    await client.connect();
    const box = await client.mailboxOpen(mailbox, { readOnly: true });
    const openMs = performance.now() - opened;

    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage.rss();
    let peak = rssBefore;
    const sample = () => {
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
    };
    const timer = setInterval(sample, sampleEveryMs);
    let messages = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    try {
      const query = { uid: true, envelope: true, flags: true, size: true, internalDate: true, bodyStructure: true };
      for await (const _message of client.fetch('1:*', query)) {
        if (++messages % 1_000 === 0) sample();
      }
    } finally {
      clearInterval(timer);
    }
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    sample();
    return { messages, exists: box.exists, ms, openMs, peakRssMb: peak / MB, rssBeforeMb: rssBefore / MB, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

// --------------------------------------------------------------------- CLI --

type Bed = {
  caFile: string;
  stateDir: string;
  imap: { host: string; tlsPort: number };
  smtp: { host: string; submissionPort: number };
  users: { email: string; password: string }[];
};

/** The test bed's facts, from testbed.json in MUA_TESTBED_DIR (default /tmp/mua-testbed). */
export function readTestbed(stateDir = process.env.MUA_TESTBED_DIR ?? '/tmp/mua-testbed'): Bed {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'testbed.json'), 'utf8')) as Bed;
  } catch (error) {
    throw new Error(`no test bed in ${stateDir} (run: bash test/testbed/testbed.sh up): ${(error as Error).message}`);
  }
}

/**
 * The test CA must be known to Node from the start (verification stays on): unless it is, runs
 * this same command again with it, in the foreground, and exits with its status.
 */
export function runWithTestbedCa(bed: Bed): void {
  if (process.env.NODE_EXTRA_CA_CERTS === bed.caFile) return;
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bed.caFile, MUA_LOG: 'silent' },
  });
  process.exit(again.status ?? 1);
}

/** An account for a test bed user over IMAP with TLS on 993. */
export function testbedImapAccount(bed: Bed, local: string): { account: Account; password: string } {
  const found = bed.users.find((u) => u.email.startsWith(`${local}@`));
  if (!found) throw new Error(`the test bed has no user ${local}`);
  return {
    account: {
      id: 'acc_bare_fetch',
      name: local,
      email: found.email,
      imap: { host: bed.imap.host, port: bed.imap.tlsPort, security: 'tls' },
      smtp: { host: bed.smtp.host, port: bed.smtp.submissionPort, security: 'starttls' },
      sentCopy: 'provider',
    },
    password: found.password,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: 'string', default: 'carol' },
      mailbox: { type: 'string', default: 'INBOX' },
      runs: { type: 'string', default: '1' },
      fill: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const bed = readTestbed();
  runWithTestbedCa(bed);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
  const { account, password } = testbedImapAccount(bed, values.user);
  const mailbox = values.mailbox;

  if (values.fill) {
    const script = join(import.meta.dirname, '..', 'testbed', 'testbed.sh');
    execFileSync('bash', [script, 'fill', values.user, values.fill, mailbox, '--replace', '--seed', values.seed], {
      stdio: 'inherit',
      env: { ...process.env, MUA_TESTBED_DIR: bed.stateDir, MUA_NODE: process.execPath },
    });
  }

  console.log(`bare imapflow FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE), ${account.email} ${mailbox}, ` +
    `${bed.imap.host}:${bed.imap.tlsPort} TLS, Node ${process.versions.node}`);
  const times: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const r = await bareFetch({ account, password, mailbox });
    if (r.messages !== r.exists) console.log(`  warning: ${r.messages} FETCH responses for ${r.exists} messages`);
    times.push(r.ms);
    console.log(
      `  run ${run}: ${r.messages} messages in ${r.ms.toFixed(0)} ms (${Math.round(r.messages / (r.ms / 1000))}/s), ` +
        `client CPU ${r.cpuMs.toFixed(0)} ms, peak RSS ${r.peakRssMb.toFixed(1)} MB (before ${r.rssBeforeMb.toFixed(1)} MB); ` +
        `connect+login+EXAMINE ${r.openMs.toFixed(0)} ms`,
    );
  }
  if (runs > 1) {
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`  median ${sorted[Math.floor((runs - 1) / 2)]!.toFixed(0)} ms over ${runs} runs`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
