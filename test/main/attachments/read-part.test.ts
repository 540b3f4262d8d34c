import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { openPart } from '../../../main/attachments/read-part.js';
import { parseMessageForReader } from '../../../main/mime/parse-message-file.js';
import { AppError } from '../../../shared/errors.js';
import { messageWithParts, noisePng, type TestPart } from '../../support/attachment-messages.js';

const dir = mkdtempSync(join(tmpdir(), 'mua-read-part-'));

const PARTS: TestPart[] = [
  { filename: 'logo.png', contentType: 'image/png', content: noisePng(20, 10), cid: 'logo@example.test' },
  { filename: 'notes.txt', contentType: 'text/plain', content: Buffer.from('Line one\r\nLine twö = three\r\n'.repeat(50)), encoding: 'quoted-printable' },
  { filename: 'data.bin', contentType: 'application/octet-stream', content: randomBytes(700_000) },
  { filename: 'page.html', contentType: 'text/html', content: Buffer.from('<!doctype html><script>alert(1)</script>') },
  { filename: 'empty.dat', contentType: 'application/octet-stream', content: Buffer.alloc(0) },
];

describe('one part, streamed out of a kept message', () => {
  it('is the same bytes the sender attached, numbered as the reader lists them, from a file or from the store', async () => {
    const raw = await messageWithParts('Parts', PARTS, '<p><img src="cid:logo@example.test"></p>');
    const file = join(dir, 'parts.eml');
    writeFileSync(file, raw);
    const listed = (await parseMessageForReader(file)).attachments;
    expect(listed.map((a) => [a.part, a.filename, a.contentId])).toEqual([
      [0, 'logo.png', 'logo@example.test'],
      [1, 'notes.txt', undefined],
      [2, 'data.bin', undefined],
      [3, 'page.html', undefined],
      [4, 'empty.dat', undefined],
    ]);
    for (const source of [file, raw]) {
      for (const [index, sent] of PARTS.entries()) {
        const part = await openPart(source, index);
        expect(part.info).toMatchObject({ part: index, filename: sent.filename, contentType: sent.contentType });
        expect((await buffer(part.content)).equals(sent.content), `${sent.filename} from ${typeof source}`).toBe(true);
        expect(listed[index]!.size).toBe(sent.content.length);
      }
    }
  });

  it('a part that is not there is NOT_FOUND', async () => {
    const raw = await messageWithParts('Few', PARTS.slice(0, 2));
    const error = await openPart(raw, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('NOT_FOUND');
    const plain = await openPart(Buffer.from('Subject: none\r\n\r\nJust text.\r\n'), 0).catch((e: unknown) => e);
    expect((plain as AppError).code).toBe('NOT_FOUND');
  });

  it('can be given up half way (a cancelled download) without an error or a stuck reader', async () => {
    const big = randomBytes(5_000_000);
    const file = join(dir, 'big.eml');
    writeFileSync(file, await messageWithParts('Big', [{ filename: 'big.bin', contentType: 'application/octet-stream', content: big }, PARTS[1]!]));
    const part = await openPart(file, 0);
    const first = await new Promise<Buffer>((resolve) => part.content.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    part.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(part.content.destroyed).toBe(true);
    // The file is still readable for the next request.
    const again = await openPart(file, 1);
    expect((await buffer(again.content)).equals(PARTS[1]!.content)).toBe(true);
  });
});
