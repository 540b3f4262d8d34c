import { MailParser, type AttachmentStream, type MessageText } from 'mailparser';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MessageSourceRef } from './parse-message-file.js';

/** One attachment of a kept message, decoded: the bytes as they were attached. */
export type KeptAttachment = { index: number; filename: string | null; contentType: string; content: Buffer };

const OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true };

/**
 * Reads the attachments at `indexes` (their places in the order parse-message-file lists a
 * message's attachments: the order mailparser hands them over, one after another) out of a kept
 * message, streaming: the others pass by without being kept. The same two passes as the reader
 * (roomier limits for a message past mailparser's guards), so the places match what it listed.
 */
export async function readAttachments(source: MessageSourceRef, indexes: ReadonlySet<number>): Promise<KeptAttachment[]> {
  try {
    return await readWith(source, indexes, OPTIONS);
  } catch {
    return readWith(source, indexes, { ...OPTIONS, maxHeadSize: 16 * 1024 * 1024, maxChildNodes: 10_000 });
  }
}

async function readWith(
  source: MessageSourceRef,
  indexes: ReadonlySet<number>,
  options: ConstructorParameters<typeof MailParser>[0],
): Promise<KeptAttachment[]> {
  const parser = new MailParser(options);
  const found: KeptAttachment[] = [];
  let next = 0;
  parser.on('data', (part: AttachmentStream | MessageText) => {
    if (part.type === 'text') return;
    const index = next++;
    const chunks: Buffer[] | undefined = indexes.has(index) ? [] : undefined;
    part.content.on('data', (chunk: Buffer) => chunks?.push(chunk));
    part.content.on('end', () => {
      if (chunks) found.push({ index, filename: part.filename ?? null, contentType: part.contentType, content: Buffer.concat(chunks) });
      part.release?.();
    });
  });
  await pipeline(typeof source === 'string' ? createReadStream(source) : Readable.from([source]), parser);
  return found;
}
