import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncFolder } from '../../outbox/durable-file.js';
import type { BodySink, Pop3Connection } from '../pop3-connection.js';
import { messageNumber } from './message-number.js';

/** RETR n into `sink`, streamed and unstuffed; returns the message's size in bytes. */
export async function retr(connection: Pop3Connection, n: number, sink: BodySink): Promise<number> {
  await connection.command(`RETR ${messageNumber(n)}`, 'RETR');
  return connection.readBody(sink);
}

export type RetrToFileOptions = {
  /** fsync the file and its folder before returning (default true): the message is on disk. */
  fsync?: boolean;
};

/**
 * RETR n to `path`: written to `<path>.partial` as it arrives, then renamed, so `path` holds
 * either nothing or the whole message. Never holds the message in memory. Returns its size in
 * bytes. On any failure the partial file is removed and the connection is unusable (the rest of
 * the message is still on the wire), so the caller reconnects.
 */
export async function retrToFile(connection: Pop3Connection, n: number, path: string, options: RetrToFileOptions = {}): Promise<number> {
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  let closed = false;
  try {
    const size = await retr(connection, n, async (chunk) => {
      let offset = 0;
      while (offset < chunk.length) offset += (await file.write(chunk, offset)).bytesWritten;
    });
    if (options.fsync !== false) await file.sync();
    closed = true;
    await file.close();
    await rename(partial, path);
    if (options.fsync !== false) await syncFolder(dirname(path));
    return size;
  } catch (error) {
    if (!closed) await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}
