import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';

/** The first bytes kept for the header, whatever the message's size. */
export const HEAD_BYTES = 64 * 1024;
/** A message up to this size is gathered in memory and written in the background. */
const IN_MEMORY_BYTES = 256 * 1024;

/**
 * Where one downloaded message goes: straight into `path`. No temporary name is needed: the file
 * counts only once the store holds a row naming it, and that row is committed after the file is
 * whole and synced (download-batch.ts); a download cut short removes it (abort), and one a crash
 * cut short is named by a UID the folder has already moved past, so nothing ever reads it.
 *
 * A message that fits in IN_MEMORY_BYTES (most mail) is gathered while it arrives and then
 * written and fsynced in the background, so the next RETR need not wait for the disk:
 * the download loop awaits `written` only before the batch that holds it is committed (see
 * download-batch.ts). A larger one spills to the file as it arrives, the socket waiting on each
 * write, so memory stays bounded whatever its size.
 */
export class MessageFileSink {
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
    if (this.bytes < IN_MEMORY_BYTES) return;
    this.file ??= await open(this.path, 'w', 0o600);
    await writeAll(this.file, this.take());
  }

  /**
   * The message is complete: returns its first bytes and a promise that settles once it is on
   * disk (written and fsynced; its folder is synced by the batch).
   */
  finish(): { head: Buffer; size: number; written: Promise<void> } {
    const rest = this.take();
    const head = Buffer.from((this.head ?? rest).subarray(0, HEAD_BYTES));
    const written = this.file ? this.finishSpilled(this.file, rest) : this.finishInMemory(rest);
    this.file = undefined;
    // Awaited by the batch; a rejection here must not go unhandled meanwhile.
    written.catch(() => undefined);
    return { head, size: this.total, written };
  }

  /**
   * A small message: written at once with plain system calls (tens of microseconds for a
   * typical message, where each promise-based file call costs a round trip through the thread
   * pool), then fsynced on the thread pool while the next one downloads.
   */
  private finishInMemory(data: Buffer): Promise<void> {
    let fd: number;
    try {
      fd = openSync(this.path, 'w', 0o600);
      try {
        let offset = 0;
        while (offset < data.length) offset += writeSync(fd, data, offset);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise<void>((resolve, reject) => {
      fdatasync(fd, (error) => {
        try {
          closeSync(fd);
          if (error) throw error;
          resolve();
        } catch (failure) {
          reject(failure as Error);
        }
      });
    });
  }

  private async finishSpilled(file: FileHandle, rest: Buffer): Promise<void> {
    try {
      if (rest.length) await writeAll(file, rest);
      await file.sync();
    } finally {
      await file.close();
    }
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
