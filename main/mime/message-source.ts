import { open } from 'node:fs/promises';
import { MAX_SOURCE_BYTES } from '../../shared/contract.js';

export type MessageSource = { source: string; size: number; truncated: boolean };

/**
 * A kept message (its file, or its bytes kept in the store) as text, for View source: at most `limit` bytes of it (a message with a
 * 50 MB attachment is not sent whole to the renderer), decoded as UTF-8 with undecodable bytes
 * shown as U+FFFD, never failing on them.
 */
export async function readMessageSource(file: string | Buffer, limit = MAX_SOURCE_BYTES): Promise<MessageSource> {
  if (typeof file !== 'string') {
    const shown = file.subarray(0, limit);
    return { source: new TextDecoder('utf-8', { fatal: false }).decode(shown), size: file.length, truncated: shown.length < file.length };
  }
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, limit);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { source: new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, read)), size, truncated: read < size };
  } finally {
    await handle.close();
  }
}
