import type { ImapFlow } from 'imapflow';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CHUNK = 1024 * 1024;

/**
 * Streams one message's raw source into `file`, never holding it whole in memory (a 50 MB
 * attachment stays a file). Written beside the target and renamed, so a cut connection never
 * leaves a half message where a whole one is expected. Returns false when the server no longer
 * has the message.
 */
export async function downloadMessage(client: ImapFlow, folder: string, uid: number, file: string): Promise<boolean> {
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  const partial = `${file}.partial`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // BODY.PEEK: reading the source does not mark it read; opening does that on purpose, elsewhere.
    // In 1 MiB partial fetches: imapflow's default of 64 KiB makes a 30 MB message 500 round
    // trips (about 20 s here); 1 MiB keeps memory to a few chunks and the trips to ~30.
    const { content } = await client.download(String(uid), undefined, { uid: true, chunkSize: CHUNK });
    if (!content) return false;
    await pipeline(content, createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, file);
    return true;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    lock.release();
  }
}
