import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file so that after a crash it is either absent or complete: the bytes go to a
 * temporary name, are fsynced, then renamed into place. The folder's fsync, which makes the
 * new name itself survive a power cut, is done here unless the caller batches it (the outbox
 * leaves it to the journal's next flush). Every call goes through the thread pool, so the main
 * process never blocks on the disk.
 */
export async function writeFileDurably(
  path: string,
  content: Buffer | string,
  { syncFolder: syncTheFolder = true }: { syncFolder?: boolean } = {},
): Promise<number> {
  const temporary = `${path}.partial`;
  const bytes = Buffer.from(content);
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  if (syncTheFolder) await syncFolder(dirname(path));
  return bytes.length;
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

/** Writes all of `line` at the end of the file: one call, in the kernel before it returns. */
export function appendNow(fd: number, line: string): void {
  const bytes = Buffer.from(line);
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}
