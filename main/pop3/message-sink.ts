import { open, rm, type FileHandle } from 'node:fs/promises';

/** The first bytes kept for the header, whatever the message's size. */
export const HEAD_BYTES = 64 * 1024;
/** A message up to this size is kept in the store itself; a larger one in a file of its own. */
export const IN_STORE_BYTES = 256 * 1024;

/** Where a downloaded message ended up: its bytes (to be kept in the store), or its file. */
export type SinkResult =
  | { head: Buffer; size: number; kind: 'bytes'; bytes: Buffer }
  | { head: Buffer; size: number; kind: 'file'; written: Promise<void> };

/**
 * Where one downloaded message goes while it arrives.
 *
 * A message up to IN_STORE_BYTES (most mail) is gathered in memory and kept in the store with
 * its row (see store/local-messages.ts): creating a file costs about half a millisecond on our
 * machines, more than fetching a typical message, and the store's commit makes it durable anyway.
 *
 * A larger one spills to `path` as it arrives, the socket waiting on each write, so memory stays
 * bounded whatever its size; it is fsynced in the background (`written`), and the batch awaits
 * that before its commit. No temporary name is needed: the file counts only once the store holds
 * a row naming it, committed after the file is whole and synced; a download cut short removes
 * it (abort), and one a crash cut short is named by a UID the folder has already moved past, so
 * nothing ever reads it.
 */
export class MessageSink {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private file: FileHandle | undefined;
  private head: Buffer | undefined;
  private total = 0;

  constructor(private readonly path: string) {}

  /** A chunk of the message, in order. */
  async write(chunk: Buffer): Promise<void> {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    this.total += chunk.length;
    if (this.bytes < IN_STORE_BYTES) return;
    this.file ??= await open(this.path, 'w', 0o600);
    await writeAll(this.file, this.take());
  }

  /** The message is complete. */
  finish(): SinkResult {
    const rest = this.take();
    const head = Buffer.from((this.head ?? rest).subarray(0, HEAD_BYTES));
    const file = this.file;
    this.file = undefined;
    if (!file) return { head, size: this.total, kind: 'bytes', bytes: rest };
    const written = (async () => {
      try {
        if (rest.length) await writeAll(file, rest);
        await file.datasync();
      } finally {
        await file.close();
      }
    })();
    // Awaited by the batch; a rejection here must not go unhandled meanwhile.
    written.catch(() => undefined);
    return { head, size: this.total, kind: 'file', written };
  }

  /** The download failed: nothing of it stays. */
  async abort(): Promise<void> {
    await this.file?.close().catch(() => undefined);
    this.file = undefined;
    await rm(this.path, { force: true });
  }

  private take(): Buffer {
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.head ??= data;
    this.chunks = [];
    this.bytes = 0;
    return data;
  }
}

async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += (await file.write(data, offset)).bytesWritten;
}
