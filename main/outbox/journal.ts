import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { appErrorSchema } from '../../shared/errors.js';
import { fsync } from 'node:fs';
import { appendNow, syncFolder, syncFolderNow } from './durable-file.js';

/**
 * The outbox's memory: an append-only log of what happened to each message, one JSON line per
 * event, each written and fsynced before anything that depends on it. State is the log replayed.
 * A log (rather than rewriting a state file) keeps the step that records the server's final 250
 * to a single write: the window in which a crash could make us send twice.
 */
const rejectedSchema = z.object({ address: z.string(), reply: z.string() });

export const journalRecordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('queued'),
    id: z.string(),
    at: z.number(),
    accountId: z.string(),
    messageId: z.string(),
    subject: z.string(),
    envelope: z.object({ from: z.string(), to: z.array(z.string()) }),
    size: z.number(),
    sendAt: z.number(),
    /**
     * A small message as it was written (the contract's validated draft) and its Date: it is
     * composed when it is sent, with the Message-ID and Date fixed here, instead of being
     * stored composed in a file of its own.
     */
    draft: z.record(z.string(), z.unknown()).optional(),
    date: z.string().optional(),
  }),
  z.object({
    type: z.literal('deferred'),
    id: z.string(),
    at: z.number(),
    error: appErrorSchema,
    retryAt: z.number(),
    attempts: z.number().optional(),
  }),
  z.object({
    type: z.literal('accepted'),
    id: z.string(),
    at: z.number(),
    accepted: z.array(z.string()),
    rejected: z.array(rejectedSchema),
    reply: z.string(),
  }),
  z.object({ type: z.literal('failed'), id: z.string(), at: z.number(), error: appErrorSchema, attempts: z.number().optional() }),
  z.object({ type: z.literal('cancelled'), id: z.string(), at: z.number() }),
  z.object({ type: z.literal('retry-requested'), id: z.string(), at: z.number() }),
  z.object({ type: z.literal('filed'), id: z.string(), at: z.number(), outcome: z.enum(['appended', 'skipped']) }),
  z.object({
    type: z.literal('filing-deferred'),
    id: z.string(),
    at: z.number(),
    error: appErrorSchema,
    retryAt: z.number(),
  }),
]);

export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type RejectedRecipient = z.infer<typeof rejectedSchema>;

export class Journal {
  private fd: number;

  private constructor(
    private readonly path: string,
    readonly records: JournalRecord[],
    private readonly alsoSync: string | undefined,
  ) {
    this.fd = openSync(path, 'a', 0o600);
  }

  /**
   * Reads the log back. A torn last line (the process died mid-write) is dropped: its event never
   * became durable, so nothing depended on it.
   */
  static open(path: string, alsoSync?: string): Journal {
    const records: JournalRecord[] = [];
    if (existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n');
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const parsed = journalRecordSchema.safeParse(JSON.parse(line));
          if (parsed.success) records.push(parsed.data);
        } catch {
          // Only the last line can be torn; any other unreadable line is skipped, not fatal.
        }
      }
    }
    return new Journal(path, records, alsoSync);
  }

  /**
   * Appends a record with a single write: once it returns, the record survives the process
   * being killed (it is in the kernel). `flush` then makes it survive a power cut; appends that
   * arrive while an fsync runs share the next one (group commit), so a burst of Sends costs a
   * few fsyncs, not one each.
   */
  append(record: JournalRecord): void {
    appendNow(this.fd, JSON.stringify(record) + '\n');
    this.dirty = true;
  }

  /** Resolves once everything appended so far is on disk. */
  flush(): Promise<void> {
    if (!this.dirty && !this.syncing) return Promise.resolve();
    this.waiting ??= new Promise<void>((resolve, reject) => (this.release = { resolve, reject }));
    const waiting = this.waiting;
    if (!this.syncing) this.startSync();
    return waiting;
  }

  private dirty = false;
  /** A file was created in the folder named at open: the next flush fsyncs the folder first. */
  folderDirty = false;
  private syncing = false;
  private waiting: Promise<void> | undefined;
  private release: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  private startSync(): void {
    const release = this.release!;
    this.waiting = undefined;
    this.release = undefined;
    this.dirty = false;
    this.syncing = true;
    // The folder named at open (the outbox's messages) first: a record must never be durable
    // before the file it speaks of.
    const folder = this.alsoSync && this.folderDirty ? syncFolder(this.alsoSync) : Promise.resolve();
    this.folderDirty = false;
    folder
      .then(() => new Promise<void>((resolve, reject) => fsync(this.fd, (error) => (error ? reject(error) : resolve()))))
      .then(
        () => release.resolve(),
        (error: unknown) => release.reject(error),
      )
      .finally(() => {
        this.syncing = false;
        // Appends made during this fsync wait for the next one.
        if (this.waiting) this.startSync();
      });
  }

  /**
   * Rewrites the log with only the records still needed, atomically. Called at open, over the
   * records read then; later appends are not kept in memory (small messages ride in them).
   */
  compact(keep: (record: JournalRecord) => boolean): void {
    const kept = this.records.filter(keep);
    const temporary = join(dirname(this.path), 'journal.compacting');
    writeFileSync(temporary, kept.map((r) => JSON.stringify(r) + '\n').join(''), { mode: 0o600 });
    const fd = openSync(temporary, 'r');
    fsyncSync(fd);
    closeSync(fd);
    closeSync(this.fd);
    renameSync(temporary, this.path);
    syncFolderNow(dirname(this.path));
    this.fd = openSync(this.path, 'a', 0o600);
    this.records.splice(0, this.records.length, ...kept);
  }

  close(): void {
    closeSync(this.fd);
  }
}
