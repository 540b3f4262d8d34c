import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withImap } from '../../../main/imap/connect.js';
import { HEADER_QUERY, toMessageInput } from '../../../main/imap/message-headers.js';
import { MessageStore, type MessageInput } from '../../../main/store/message-store.js';
import { ThreadIndex } from '../../../main/store/threading.js';
import { accountSchema } from '../../../shared/schemas.js';
import { testbedAccount } from '../../support/accounts.js';
import { testbed } from '../../support/testbed.js';
import { malformedCorpus } from '../../fixtures/malformed-mime/corpus.js';

/**
 * Every malformed message of the corpus, delivered to the test bed's real Dovecot, comes back
 * through imapflow (the sync's header query: envelope, body structure, flags, size, arrival,
 * References) without an error, one by one and as a range, and the sync's mapping of it
 * (toMessageInput) goes into the store and gets a thread. A mailbox of its own ("Malformed",
 * carol's) keeps other tests out.
 */

const SCRIPT = join(import.meta.dirname, '../../testbed/testbed.sh');
const MAILBOX = 'Malformed';

function deliver(source: Buffer): string | null {
  try {
    execFileSync('bash', [SCRIPT, 'deliver', 'carol', '-', MAILBOX], {
      input: source,
      env: { ...process.env, MUA_TESTBED_DIR: testbed().stateDir },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr || (error as Error).message;
  }
}

/** Subjects the envelope must carry, decoded, where the header is readable. */
const SUBJECTS: Record<string, string | RegExp> = {
  'multipart-missing-close': 'Multipart missing its closing boundary',
  'charset-iso-2022-jp': '日本語の件名',
  'charset-windows-1252': 'Café “quoted” €',
  'charset-koi8-r': 'Привет',
  '8bit-utf8-headers': 'Grüße aus Köln 日本',
  // Raw Latin-1 bytes: the readable ASCII around them must survive, whatever the bytes become.
  '8bit-garbage-headers': /^Caf.* menu .* end$/,
  'encoded-word-bad-base64': /^Start .*End$/,
  'bare-lf': 'Bare LF line endings',
  'missing-body': 'Headers only, no blank line, no body',
  'header-1mb-line': 'A 1 MB header line',
  'headers-10000': '10,000 headers',
  'headers-20000': '20,000 headers',
  'nested-rfc822-30': 'Nested thirty levels',
  'parts-12000': '12,000 parts',
};

describe('malformed messages over IMAP', () => {
  it('are stored by Dovecot and fetched by imapflow with decodable envelopes', async () => {
    const { password, ...input } = testbedAccount('carol');
    const account = accountSchema.parse({ ...input, id: 'malformed-envelopes' });
    const corpus = malformedCorpus();

    await withImap(account, password, async (client) => {
      // A mailbox of this test's own, empty at the start.
      if ((await client.list()).some((m) => m.path === MAILBOX)) await client.mailboxDelete(MAILBOX);
      await client.mailboxCreate(MAILBOX);
    });

    // Delivered one by one, in order: the n-th stored message is the n-th delivered.
    const refused: Record<string, string> = {};
    const stored: string[] = [];
    for (const message of corpus) {
      const error = deliver(message.source);
      if (error === null) stored.push(message.name);
      else refused[message.name] = error;
    }

    const report: Record<string, unknown> = {};
    const failures: Record<string, string> = {};
    const inputs: MessageInput[] = [];
    await withImap(account, password, async (client) => {
      const lock = await client.getMailboxLock(MAILBOX, { readOnly: true });
      try {
        const uids = [...((await client.search({ all: true }, { uid: true })) || [])].sort((a, b) => a - b);
        expect(uids).toHaveLength(stored.length);
        // One at a time, so a message imapflow chokes on is named, and the others still checked.
        for (const [i, uid] of uids.entries()) {
          const name = stored[i]!;
          try {
            const message = await client.fetchOne(String(uid), HEADER_QUERY, { uid: true });
            if (!message) throw new Error('no FETCH reply');
            if (!message.envelope) throw new Error('no envelope');
            if (!message.bodyStructure) throw new Error('no body structure');
            const input = toMessageInput(message);
            inputs.push(input);
            report[name] = { subject: input.subject, from: input.from, size: input.size, type: message.bodyStructure.type };
            if (typeof input.subject !== 'string' || !Number.isFinite(input.internalDate) || input.internalDate <= 0) {
              throw new Error(`undecodable: ${JSON.stringify(input)}`);
            }
            const want = SUBJECTS[name];
            if (want !== undefined && !(typeof want === 'string' ? input.subject === want : want.test(input.subject))) {
              failures[name] = `subject ${JSON.stringify(input.subject)} does not match ${String(want)}`;
            }
          } catch (error) {
            failures[name] = `fetch: ${(error as Error).message}`;
          }
        }
        // And as the sync fetches: the whole range in one FETCH.
        const all = await client.fetchAll(`${uids[0]}:*`, HEADER_QUERY, { uid: true });
        expect(all.map((m) => m.uid).sort((a, b) => a - b)).toEqual(uids);
      } finally {
        lock.release();
      }
    });

    // Into the store and its threads, as the sync would put them.
    const dir = mkdtempSync(join(tmpdir(), 'mua-malformed-'));
    const store = MessageStore.open(dir);
    try {
      const folderId = store.upsertFolder({
        accountId: account.id, path: MAILBOX, role: null, uidValidity: 1, uidNext: null, highestModseq: null, total: null, unread: null,
      });
      store.upsertMessages(folderId, inputs);
      const threads = new ThreadIndex(store.db);
      threads.assignUids(folderId, inputs.map((m) => m.uid));
      expect(store.counts(folderId).total).toBe(inputs.length);
      expect(threads.threadSummaries(folderId, { limit: 1000 }).every((t) => t.threadId !== null)).toBe(true);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }

    console.log(
      `malformed over IMAP: refused by delivery ${JSON.stringify(refused)}\n` +
        Object.entries(report).map(([name, r]) => `  ${name}: ${JSON.stringify(r)}`).join('\n'),
    );
    expect(failures).toEqual({});
    // doveadm save takes everything, even an empty file.
    expect(refused).toEqual({});
  }, 120_000);
});
