import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessageFile, type ParsedFile as ParsedParts } from '../../../main/mime/parse-message-file.js';
import { messageDetailSchema } from '../../../shared/schemas.js';
import { malformedCorpus } from '../../fixtures/malformed-mime/corpus.js';

/**
 * Malformed MIME never breaks the reader: parseMessageFile (the reader's parser, streaming from the kept file) resolves for every message of the corpus,
 * within a bounded time, with a result the contract accepts, and keeps what can be read.
 * (it returns no subject: the reader takes it from the server's envelope, so subjects
 * are checked in test/main/imap/malformed-envelopes.test.ts.)
 */

const corpus = malformedCorpus();
const LIMIT_MS = 5_000;
const partsSchema = messageDetailSchema.pick({ to: true, cc: true, replyTo: true, inReplyTo: true, references: true, text: true, attachments: true });

async function parseBounded(source: Buffer): Promise<ParsedParts> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parseMessageFile took over ${LIMIT_MS} ms`)), LIMIT_MS);
  });
  const file = join(mkdtempSync(join(tmpdir(), 'mua-malformed-')), 'message.eml');
  writeFileSync(file, source);
  try {
    return await Promise.race([parseMessageFile(file), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const carol = { name: 'Carol', address: 'carol@example.test' };

/** What must survive of each message; every message must at least parse. */
const EXPECT: Record<string, (p: ParsedParts) => void> = {
  'multipart-missing-close': (p) => expect(p.text).toContain('Readable first part.'),
  'multipart-truncated-headers': (p) => expect(p.text).toContain('Good part before the cut.'),
  // No delimiter line matches the declared boundary (or there is none): mailparser finds no part
  // and the text is empty. Nothing to assert beyond "it parses".
  'multipart-wrong-boundary': (p) => expect(p.to).toEqual([carol]),
  'multipart-no-boundary': (p) => expect(p.to).toEqual([carol]),
  'charset-x-unknown': (p) => expect(p.text).toContain('Plain ASCII text in an unknown charset.'),
  'charset-iso-2022-jp': (p) => expect(p.text).toContain('こんにちは、世界'),
  'charset-windows-1252': (p) => expect(p.text).toContain('Café “quoted” € price'),
  'charset-koi8-r': (p) => expect(p.text).toContain('Привет, мир'),
  '8bit-garbage-headers': (p) => {
    expect(p.to.map((a) => a.address)).toEqual(['someone@example.test', 'carol@example.test']);
    expect(p.to[0]!.name).toContain('Someone');
    expect(p.text).toContain('Body after 8-bit headers.');
  },
  '8bit-utf8-headers': (p) => {
    expect(p.to).toEqual([carol]);
    expect(p.text).toContain('UTF-8 Körper.');
  },
  'encoded-word-bad-base64': (p) => {
    expect(p.to).toEqual([carol]);
    expect(p.text).toContain('Body of a message with broken encoded-words.');
  },
  'nested-rfc822-30': (p) => expect(p.text).toContain('Outermost text.'),
  'base64-garbage': (p) => expect(p.text.startsWith('The beginning')).toBe(true),
  'nul-byte': (p) => expect(p.text).toContain('after the NUL.'),
  'bare-lf': (p) => expect(p.text).toContain('Text with bare LF endings.'),
  'missing-body': (p) => {
    expect(p.to).toEqual([carol]);
    expect(p.text).toBe('');
  },
  empty: (p) => expect(p).toEqual({ to: [], cc: [], replyTo: [], inReplyTo: undefined, references: [], text: '', attachments: [] }),
  'header-without-colon': (p) => expect(p.text).toContain('Body after broken header lines.'),
  'header-1mb-line': (p) => {
    expect(p.to).toEqual([carol]);
    expect(p.text).toContain('Body after a 1 MB header line.');
  },
  'headers-10000': (p) => expect(p.text).toContain('Body after 10,000 headers.'),
  'headers-20000': (p) => expect(p.text).toContain('Body after 20,000 headers.'),
  'part-header-1mb': (p) => expect(p.text).toContain('First part, before the huge header.'),
  'parts-1500': (p) => {
    expect(p.text).toContain('Part 0\n');
    expect(p.text).toContain('Part 1499');
  },
  // Past even the second try's limits: no text, but no failure either.
  'parts-12000': (p) => expect(p).toMatchObject({ to: [], text: '' }),
};

describe('parseMessageFile on malformed MIME', () => {
  it('has an expectation for every message of the corpus, and a message for every expectation', () => {
    expect(corpus.map((m) => m.name).sort()).toEqual(Object.keys(EXPECT).sort());
  });

  it.each(corpus.map((m) => [m.name, m] as const))('%s: never throws, answers in bounded time, keeps what is readable', async (_, message) => {
    const parsed = await parseBounded(message.source);
    expect(partsSchema.safeParse(parsed).success).toBe(true);
    EXPECT[message.name]!(parsed);
  });
});
