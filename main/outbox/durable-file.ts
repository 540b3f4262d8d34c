import { fsyncSync, openSync, closeSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

const BLOCK_BYTES = 1024 * 1024;

/**
 * Writes a file so that after a crash it is either absent or complete: the bytes go to a
 * temporary name, are fsynced, then renamed into place. The folder's fsync, which makes the new
 * name itself survive a power cut, is done here unless the caller batches it (the outbox leaves
 * it to the journal's next flush).
 *
 * Every call goes through the thread pool, so the main process never blocks on the disk, and
 * the content is written in blocks of up to 1 MiB: a large message never sits whole in memory,
 * and a small one (whose composer emits many tiny chunks) costs a single write.
 */
export async function writeFileDurably(
  path: string,
  content: Readable,
  { syncFolder: syncTheFolder = true }: { syncFolder?: boolean } = {},
): Promise<number> {
  const temporary = `${path}.partial`;
  const handle = await open(temporary, 'w', 0o600);
  let size = 0;
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of content) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= BLOCK_BYTES) {
        await handle.write(Buffer.concat(pending, pendingBytes));
        size += pendingBytes;
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pendingBytes > 0) await handle.write(Buffer.concat(pending, pendingBytes));
    size += pendingBytes;
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  if (syncTheFolder) await syncFolder(dirname(path));
  return size;
}

export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function syncFolderNow(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `bytes` at the end of the file: one call, in the kernel before it returns. */
export function appendNow(fd: number, line: string): void {
  const bytes = Buffer.from(line);
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}
