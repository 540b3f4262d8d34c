import { MailParser, type AttachmentStream, type MessageText } from 'mailparser';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { AppError } from '../../shared/errors.js';
import { ROOMY_PARSER_OPTIONS, type MessageSourceRef } from '../mime/parse-message-file.js';

/** What the message says about one of its parts (the name is the sender's: sanitize it before use). */
export type PartInfo = { part: number; filename: string | null; contentType: string; contentId?: string };

export type OpenedPart = {
  info: PartInfo;
  /** The decoded content, read at its consumer's pace: the message is read only as fast as it is taken. */
  content: Readable;
  /** Stops reading the message and drops the content; safe to call at any time, and more than once. */
  close(): void;
};

/**
 * Opens one part of a kept message (a file, or bytes kept in the store) for streaming: the
 * message is parsed as it is read, the parts before the wanted one are decoded and dropped,
 * and the wanted one is handed over as a stream with backpressure (mailparser waits while its
 * consumer does), so a 30 MB attachment goes out in chunks and never sits whole in memory.
 * Reading stops once the part has been taken; the rest of the message is never read.
 *
 * Parts are numbered as parse-message-file.ts numbers them (AttachmentInfo.part), with the same
 * parser options. A part that is not there is NOT_FOUND.
 */
export function openPart(source: MessageSourceRef, index: number): Promise<OpenedPart> {
  // Default 64 KiB reads: mailparser keeps slices of some 20 of them in flight, so 1 MiB reads
  // held 20 MB (measured: 0 MB at 64 KiB, 5 MB at 256 KiB, 20 MB at 1 MiB for a 24 MB part).
  const input = typeof source === 'string' ? createReadStream(source) : Readable.from([source]);
  // No checksum: nothing reads it, and hashing 30 MB costs a tenth of a second.
  const parser = new MailParser({ ...ROOMY_PARSER_OPTIONS, checksumAlgo: false });
  let seen = 0;
  let found: Readable | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    input.destroy();
    parser.destroy();
  };

  return new Promise<OpenedPart>((resolve, reject) => {
    const fail = (error: unknown) => {
      if (found) {
        // After the hand-over, a failure belongs to the content's reader.
        if (!found.readableEnded) found.destroy(error instanceof Error ? error : new Error(String(error)));
      } else reject(error);
      stop();
    };
    parser.on('data', (part: AttachmentStream | MessageText) => {
      if (part.type !== 'attachment') return;
      const number = seen++;
      if (number !== index || found) {
        // Not this one: flowing with no listener drops its bytes as they are decoded.
        part.content.resume();
        part.release?.();
        return;
      }
      const content = part.content;
      found = content;
      // A reader that stops early (a closed download) must not crash the process with a late write.
      content.on('error', () => {});
      content.once('end', () => part.release?.());
      content.once('close', stop);
      const info: PartInfo = { part: number, filename: part.filename ?? null, contentType: part.contentType };
      if (part.cid) info.contentId = part.cid;
      resolve({
        info,
        content,
        close: () => {
          content.destroy();
          stop();
        },
      });
    });
    parser.once('end', () => {
      if (!found) reject(new AppError('NOT_FOUND', { message: 'That attachment is not in this message.' }));
    });
    parser.on('error', fail);
    input.on('error', fail);
    input.pipe(parser);
  });
}
