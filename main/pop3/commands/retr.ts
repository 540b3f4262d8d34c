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

/** How much of a message is gathered before it is written: most mail in one write. */
const WRITE_BYTES = 256 * 1024;

/**
 * RETR n to `path`: written to `<path>.partial` as it arrives, then renamed, so `path` holds
 * either nothing or the whole message. Never holds more than WRITE_BYTES of it in memory.
 * Returns its size in bytes. On any failure the partial file is removed and the connection is
 * unusable (the rest of the message is still on the wire), so the caller reconnects.
 */
export async function retrToFile(connection: Pop3Connection, n: number, path: string, options: RetrToFileOptions = {}): Promise<number> {
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  let closed = false;
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  const flush = async () => {
    const data = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredBytes);
    gathered = [];
    gatheredBytes = 0;
    let offset = 0;
    while (offset < data.length) offset += (await file.write(data, offset)).bytesWritten;
  };
  try {
    const size = await retr(connection, n, async (chunk) => {
      gathered.push(chunk);
      gatheredBytes += chunk.length;
      if (gatheredBytes >= WRITE_BYTES) await flush();
    });
    if (gatheredBytes > 0) await flush();
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
