import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ImapFlow, type FetchMessageObject, type MessageStructureObject } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';
import { imapOptions } from '../../main/imap/connect.js';
import type { Account } from '../../shared/schemas.js';
import { testbedAccount } from '../support/accounts.js';
import { testbed } from '../support/testbed.js';

/**
 * `testbed.sh fill` (the data of the IMAP sync benchmark): messages written straight into the
 * Maildir must be what Dovecot serves, in date order, with flags, threads and attachments, and the
 * same seed must give the same messages. Uses carol's "Bench" mailboxes, which nothing else uses.
 */
const SCRIPT = join(import.meta.dirname, 'testbed.sh');
const COUNT = 300;

function fill(mailbox: string, seed: number, count = COUNT): string {
  return execFileSync('bash', [SCRIPT, 'fill', 'carol', String(count), mailbox, '--replace', '--seed', String(seed)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MUA_TESTBED_DIR: testbed().stateDir, MUA_NODE: process.execPath },
    timeout: 120_000,
  });
}

function carol(): { account: Account; password: string } {
  const { password, ...input } = testbedAccount('carol');
  return { account: { ...input, id: 'acc_fill_test', sentCopy: 'append' }, password };
}

async function withCarol<T>(job: (client: ImapFlow) => Promise<T>): Promise<T> {
  const { account, password } = carol();
  const client = new ImapFlow(imapOptions(account, password));
  client.on('error', () => {});
  await client.connect();
  try {
    return await job(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Every message of `mailbox`, read-only; collected before any other command (imapflow rule). */
async function fetchAll(client: ImapFlow, mailbox: string, headers = false): Promise<FetchMessageObject[]> {
  await client.mailboxOpen(mailbox, { readOnly: true });
  return client.fetchAll('1:*', { uid: true, envelope: true, flags: true, size: true, internalDate: true, bodyStructure: true, headers });
}

function hasAttachment(part: MessageStructureObject | undefined): boolean {
  if (!part) return false;
  return part.disposition === 'attachment' || (part.childNodes ?? []).some(hasAttachment);
}

describe('testbed.sh fill', () => {
  // Other files list carol's folders: leave none of these behind.
  afterAll(() =>
    withCarol(async (client) => {
      for (const mailbox of ['Bench', 'Bench-seed-a', 'Bench-seed-b', 'Bench-seed-c']) await client.mailboxDelete(mailbox).catch(() => {});
    }),
  );

  it('fills a mailbox with exactly COUNT realistic messages in date order, with flags, threads and attachments', async () => {
    const output = fill('Bench', 42);
    expect(output).toMatch(/messages=300\b/);

    const messages = await withCarol(async (client) => {
      const status = await client.status('Bench', { messages: true, unseen: true, uidNext: true });
      if (!status) throw new Error('no STATUS for Bench');
      expect(status.messages).toBe(COUNT);
      expect(status.uidNext).toBe(COUNT + 1);
      return fetchAll(client, 'Bench');
    });
    expect(messages).toHaveLength(COUNT);

    // UIDs 1..COUNT, INTERNALDATE strictly increasing with them, and equal to the Date header.
    expect(messages.map((m) => m.uid)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
    const internal = messages.map((m) => new Date(m.internalDate!).getTime());
    for (let i = 1; i < COUNT; i++) expect(internal[i]).toBeGreaterThan(internal[i - 1]!);
    for (const m of messages) expect(new Date(m.envelope!.date!).getTime()).toBe(new Date(m.internalDate!).getTime());
    // Spread over about three years, newest last.
    expect(internal[COUNT - 1]! - internal[0]!).toBeGreaterThan(2.5 * 365 * 86_400_000);

    // About 70% seen; some flagged.
    const seen = messages.filter((m) => m.flags!.has('\\Seen')).length;
    const flagged = messages.filter((m) => m.flags!.has('\\Flagged')).length;
    expect(seen / COUNT).toBeGreaterThan(0.6);
    expect(seen / COUNT).toBeLessThan(0.8);
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(COUNT * 0.15);

    // Attachments in BODYSTRUCTURE (about 9%), sizes mostly 2-20 KB.
    const withAttachments = messages.filter((m) => hasAttachment(m.bodyStructure)).length;
    expect(withAttachments).toBeGreaterThan(COUNT * 0.03);
    expect(withAttachments).toBeLessThan(COUNT * 0.2);
    const small = messages.filter((m) => m.size! >= 2_000 && m.size! <= 20_480).length;
    expect(small / COUNT).toBeGreaterThan(0.7);
    expect(messages.some((m) => m.bodyStructure!.type === 'multipart/alternative')).toBe(true);

    // Threads: about 30% answer an earlier message of the mailbox, with Re: and In-Reply-To.
    const ids = new Set(messages.map((m) => m.envelope!.messageId));
    const replies = messages.filter((m) => m.envelope!.inReplyTo && ids.has(m.envelope!.inReplyTo));
    expect(replies.length / COUNT).toBeGreaterThan(0.2);
    expect(replies.length / COUNT).toBeLessThan(0.4);
    expect(replies.every((m) => /^(Re|RE|AW|SV): /.test(m.envelope!.subject ?? ''))).toBe(true);
    // Varied people, and some subjects that needed encoded words.
    expect(new Set(messages.map((m) => m.envelope!.from![0]!.address)).size).toBeGreaterThan(100);
    expect(messages.some((m) => /[^\x20-\x7e]/.test(m.envelope!.subject ?? ''))).toBe(true);
  });

  it('gives the same messages for the same seed, and other ones for another seed', async () => {
    fill('Bench-seed-a', 7, 60);
    fill('Bench-seed-b', 7, 60);
    fill('Bench-seed-c', 8, 60);
    const headers = await withCarol(async (client) => {
      const read = async (mailbox: string) =>
        (await fetchAll(client, mailbox, true)).map((m) => `${m.size} ${m.flags ? [...m.flags].sort().join(' ') : ''}\n${m.headers!.toString('utf8')}`);
      return { a: await read('Bench-seed-a'), b: await read('Bench-seed-b'), c: await read('Bench-seed-c') };
    });
    expect(headers.a).toHaveLength(60);
    expect(headers.b).toEqual(headers.a);
    expect(headers.c).toHaveLength(60);
    expect(headers.c.filter((h, i) => h === headers.a[i])).toHaveLength(0);
  });
});
