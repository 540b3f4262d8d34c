import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Writes a file so that after a crash it is either absent or complete: the bytes go to a
 * temporary name, are fsynced, then renamed into place, and the folder is fsynced so the rename
 * itself survives a power cut.
 */
export async function writeFileDurably(path: string, content: Readable | Buffer | string): Promise<number> {
  const temporary = `${path}.partial`;
  const handle = await open(temporary, 'w', 0o600);
  let size = 0;
  try {
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      const bytes = Buffer.from(content);
      await handle.write(bytes);
      size = bytes.length;
    } else {
      // Streamed chunk by chunk: a large message never needs to sit whole in memory.
      for await (const chunk of content) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        await handle.write(bytes);
        size += bytes.length;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  renameSync(temporary, path);
  syncFolder(dirname(path));
  return size;
}

export function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** One write and one fsync: the shortest durable step there is. */
export function appendDurably(fd: number, line: string): void {
  writeSync(fd, line);
  fsyncSync(fd);
}
