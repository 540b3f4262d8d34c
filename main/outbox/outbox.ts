import { randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { AppError } from '../../shared/errors.js';
import type { OutboxItem } from '../../shared/outbox.js';
import type { Account } from '../../shared/schemas.js';
import type { Credentials } from '../accounts/account-service.js';
import { log } from '../log.js';
import { base64DecodedLength, outgoingMessageSchema } from '../../shared/schemas.js';
import { composeMessage, type ParsedOutgoing } from '../mime/compose-message.js';
import type { Accepted, Submission } from '../smtp/pooled-sender.js';
import { draftFromMessage } from './draft-from-message.js';
import { writeFileDurably } from './durable-file.js';
import { Journal, type JournalRecord } from './journal.js';
import { apply, replay, toDto, type Entry } from './outbox-state.js';
import { classifyFailure, DEFAULT_RETRY_POLICY, gaveUp, retryDelay, type RetryPolicy } from './retry-policy.js';

/** Named moments a crash test stops the process at. */
export type FaultPoint = 'before-attempt' | 'before-connect' | 'after-accepted-record';

export type OutboxOptions = {
  /** The outbox's folder (journal and message files). */
  dir: string;
  credentials: (accountId: string) => Promise<Credentials>;
  send: (account: Account, password: string, submission: Submission) => Promise<Accepted>;
  /** Files the copy in Sent (IMAP APPEND); absent, no copy is filed. `raw` opens the message when called. */
  fileSentCopy?: (account: Account, password: string, raw: () => Readable) => Promise<void>;
  undoDelayMs?: number;
  retry?: RetryPolicy;
  now?: () => number;
  onChange?: (change: { items: OutboxItem[]; removed: string[] }) => void;
  onSent?: (item: OutboxItem) => void;
  fault?: (point: FaultPoint) => void;
  /** Refuses, at Send, a message the server is already known to refuse (its SIZE, say). */
  preflight?: (account: Account, size: number) => void;
};

export const DEFAULT_UNDO_DELAY_MS = 5_000;

/** Messages up to about this size are kept as drafts inside their journal record... */
const DRAFT_LIMIT_BYTES = 256 * 1024;
/** ...while the drafts waiting in memory stay under this; beyond it, new messages go to files. */
const DRAFT_MEMORY_BYTES = 32 * 1024 * 1024;

/** A message kept as written, with the identity it is composed with, and what it counts against the memory budget. */
type Draft = { draft: ParsedOutgoing; messageId: string; date: Date; bytes: number };

/**
 * Bounds on the composed size, without composing. The upper one (text and HTML as quoted-
 * printable at worst, attachments as base64, room for headers) decides where a message is kept.
 * The lower one is what the SIZE pre-flight and the SIZE= parameter use for a draft, so a message
 * that fits is never refused on a guess (RFC 1870 takes an estimate; the server checks the real
 * size): the text's own bytes, and for a binary attachment its base64 exactly as nodemailer
 * writes it (76-character lines), which is most of a large message.
 */
export function sizeBounds(message: ParsedOutgoing): { atLeast: number; atMost: number } {
  const text = Buffer.byteLength(message.text) + (message.html ? Buffer.byteLength(message.html) : 0);
  let atLeast = text;
  let atMost = 4096 + 3 * text;
  for (const attachment of message.attachments ?? []) {
    // The contract admits only unwrapped base64, so lengths suffice (no copy of a 7 MB string).
    const encoded = attachment.contentBase64.length;
    const decoded = base64DecodedLength(attachment.contentBase64);
    const wrapped = encoded + 2 * Math.ceil(encoded / 76);
    // A text/* attachment may go as quoted-printable, which can be shorter than base64.
    atLeast += /^text\//i.test(attachment.contentType) ? decoded : wrapped;
    atMost += Math.max(wrapped, 3 * decoded) + 512;
  }
  return { atLeast, atMost };
}

/** How long a record may wait in the kernel for its fsync (a power cut, not a crash, loses it). */
const BACKGROUND_FLUSH_MS = 50;

/** Messages handed to an account's pooled connection ahead of the one on the wire. */
const PIPELINE_DEPTH = 4;

/**
 * The durable queue between "Send" and the server. A message is on disk, fsynced, before
 * `enqueue` returns; from then on a crash at any moment loses nothing, and the journal records
 * the server's acceptance in one write, so a message is sent again only if the process died in
 * the instant between the server's final 250 and that write.
 */
export class Outbox {
  private readonly journal: Journal;
  private readonly entries: Map<string, Entry>;
  private readonly busyAccounts = new Set<string>();
  private readonly filing = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private readonly messagesDir: string;
  /** Small messages waiting to be sent or filed, as their journal records hold them. */
  private readonly drafts = new Map<string, Draft>();
  private draftBytes = 0;
  private readonly largeWrites = new Queue();

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.messagesDir = join(options.dir, 'messages');
    mkdirSync(this.messagesDir, { recursive: true, mode: 0o700 });
    this.journal = Journal.open(join(options.dir, 'journal.jsonl'), this.messagesDir);
    this.entries = replay(this.journal.records);
    for (const record of this.journal.records) {
      if (record.type === 'queued' && record.draft && record.date && this.entries.has(record.id)) {
        const draft = outgoingMessageSchema.parse(record.draft);
        this.keepDraft(record.id, { draft, messageId: record.messageId, date: new Date(record.date), bytes: sizeBounds(draft).atMost });
      }
    }
    this.compact();
    this.removeOrphans();
    // Replayed: the records (with the small messages in them) are not needed in memory again.
    this.journal.records.length = 0;
  }

  /** Resumes whatever was waiting when the app last stopped. */
  start(): void {
    this.pump();
  }

  list(): OutboxItem[] {
    const now = this.now();
    return [...this.entries.values()].filter((e) => e.phase !== 'cancelled').map((e) => toDto(e, now));
  }

  async enqueue(account: Account, message: ParsedOutgoing, sendAt?: number): Promise<OutboxItem> {
    const id = randomUUID();
    const mail = composeMessage(account, message);
    const bounds = sizeBounds(message);
    let size = bounds.atLeast;
    if (bounds.atMost <= DRAFT_LIMIT_BYTES && this.draftBytes + bounds.atMost <= DRAFT_MEMORY_BYTES) {
      // Most mail: kept as written, inside its journal record, and composed while it is sent,
      // the way a plain SMTP client composes while it waits on the server.
      this.keepDraft(id, { draft: message, messageId: mail.messageId, date: mail.date as Date, bytes: bounds.atMost });
    } else {
      // One at a time, in order: composed side by side, a burst of large messages would all be
      // ready at the same late moment; one after another, the first goes out while the next
      // is still being written.
      size = (await this.largeWrites.run(() => this.store(id, new MailComposer(mail).compile().createReadStream()))).size;
    }
    try {
      this.options.preflight?.(account, size);
    } catch (error) {
      this.forget(id);
      throw error;
    }
    const earliest = this.now() + (this.options.undoDelayMs ?? DEFAULT_UNDO_DELAY_MS);
    this.record({
      type: 'queued',
      id,
      at: this.now(),
      accountId: account.id,
      messageId: mail.messageId,
      subject: message.subject,
      envelope: { from: mail.envelope!.from as string, to: mail.envelope!.to as string[] },
      size,
      sendAt: Math.max(earliest, sendAt ?? 0),
      ...(this.drafts.has(id) ? { draft: message, date: (mail.date as Date).toISOString() } : {}),
    });
    // "Send" returns only once the message and its record are on disk.
    await this.journal.flush();
    this.pump();
    return toDto(this.entries.get(id)!, this.now());
  }

  /** Takes a message back before it goes (undo send), returning what was written. */
  async cancel(id: string): Promise<ParsedOutgoing> {
    const entry = this.entries.get(id);
    if (!entry || entry.phase === 'cancelled') throw new AppError('NOT_FOUND', { message: 'That message is no longer in the outbox.' });
    if (entry.phase === 'sending' || entry.phase === 'sent') {
      throw new AppError('INVALID_ARGUMENT', { message: 'That message has already gone to the server and cannot be taken back.' });
    }
    // Recorded first: from here on the scheduler will not pick it, whatever the parse costs.
    this.record({ type: 'cancelled', id, at: this.now() });
    try {
      const kept = this.drafts.get(id);
      if (kept) return kept.draft;
      return await draftFromMessage(createReadStream(this.messagePath(id)), entry.accountId, entry.envelope.to);
    } finally {
      this.forget(id);
    }
  }

  /** Puts a failed message back in the queue, at once. */
  retryNow(id: string): OutboxItem {
    const entry = this.entries.get(id);
    if (!entry || entry.phase === 'cancelled') throw new AppError('NOT_FOUND', { message: 'That message is no longer in the outbox.' });
    if (entry.phase !== 'failed' && entry.phase !== 'retrying') {
      throw new AppError('INVALID_ARGUMENT', { message: 'Only a message that failed or is waiting to retry can be retried.' });
    }
    this.record({ type: 'retry-requested', id, at: this.now() });
    this.pump();
    return toDto(entry, this.now());
  }

  /** Stops scheduling and waits for sends in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.journal.flush().catch(() => {});
    this.journal.close();
  }

  /**
   * A record is in the kernel once appended (a killed process loses nothing). The fsync that
   * carries it through a power cut follows within BACKGROUND_FLUSH_MS, shared by every record
   * of that moment: a burst of sends costs a few fsyncs, not one per message, and they do not
   * queue in front of the server's own. (Send itself waits for its fsync: see enqueue.)
   */
  private flushInBackground(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.journal.flush().catch(() => log.error('the outbox journal could not be flushed to disk'));
    }, BACKGROUND_FLUSH_MS);
  }

  private record(record: JournalRecord): void {
    this.journal.append(record);
    this.flushInBackground();
    apply(this.entries, record);
    // Only the message that changed is announced: a long queue would otherwise cost O(n) per step.
    const entry = this.entries.get(record.id);
    if (!entry) return;
    if (entry.phase === 'cancelled') this.options.onChange?.({ items: [], removed: [entry.id] });
    else this.options.onChange?.({ items: [toDto(entry, this.now())], removed: [] });
  }

  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = this.now();
    let nextWake = Infinity;
    for (const entry of this.entries.values()) {
      const due = dueAt(entry);
      if (due !== undefined) {
        if (due <= now && !this.busyAccounts.has(entry.accountId)) this.track(this.drainAccount(entry.accountId));
        else nextWake = Math.min(nextWake, due);
      }
      const fileDue = this.filingDueAt(entry);
      if (fileDue !== undefined) {
        if (fileDue <= now && !this.filing.has(entry.id)) this.track(this.fileCopy(entry));
        else if (!this.filing.has(entry.id)) nextWake = Math.min(nextWake, fileDue);
      }
    }
    if (nextWake !== Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, nextWake - now) + 5);
      this.timer.unref();
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => {
      this.running.delete(work);
      this.pump();
    });
  }

  /**
   * Sends the account's due messages over its pooled connection. A few are handed to the pool
   * ahead, so the next MAIL FROM follows the last 250 at once instead of after a round through
   * the event loop; the pool still sends them one at a time, in order, on one connection.
   */
  private async drainAccount(accountId: string): Promise<void> {
    this.busyAccounts.add(accountId);
    const inFlight = new Set<Promise<void>>();
    try {
      for (;;) {
        while (!this.stopped && inFlight.size < PIPELINE_DEPTH) {
          const next = this.nextDue(accountId);
          if (!next) break;
          // attempt() marks the entry as sending before it yields, so it is not picked twice.
          const work = this.attempt(next).finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
        if (inFlight.size === 0) return;
        await Promise.race(inFlight);
      }
    } finally {
      this.busyAccounts.delete(accountId);
    }
  }

  private nextDue(accountId: string): Entry | undefined {
    const now = this.now();
    let best: Entry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.accountId !== accountId) continue;
      const due = dueAt(entry);
      if (due !== undefined && due <= now && (!best || due < dueAt(best)!)) best = entry;
    }
    return best;
  }

  private async attempt(entry: Entry): Promise<void> {
    this.options.fault?.('before-attempt');
    // Kept in memory only: whether the attempt is on disk changes nothing after a crash (the
    // message is queued either way), and one write less per message counts in a burst.
    entry.phase = 'sending';
    entry.attempts += 1;
    this.options.onChange?.({ items: [toDto(entry, this.now())], removed: [] });
    let credentials: Credentials;
    try {
      credentials = await this.options.credentials(entry.accountId);
    } catch (error) {
      this.record({ type: 'failed', id: entry.id, at: this.now(), error: asAppError(error).toDto(), attempts: entry.attempts });
      return;
    }
    const { account, password } = credentials;
    let accepted: Accepted;
    try {
      const message = this.messageToSend(entry, account);
      this.options.fault?.('before-connect');
      accepted = await this.options.send(account, password, { envelope: entry.envelope, ...message });
    } catch (error) {
      this.recordFailure(entry, account, error);
      return;
    }
    // The one write that stands between the server's 250 and a duplicate after a crash: a single
    // write(2) to the journal. A kill -9 after it loses nothing; a kill in the microseconds
    // before it, after the server's 250 arrived, means the message goes again on restart.
    this.record({ type: 'accepted', id: entry.id, at: this.now(), ...accepted });
    this.options.fault?.('after-accepted-record');
    if (!this.options.fileSentCopy) {
      // Nothing to file: in memory only, as an outbox without a filer drops sent messages at
      // its next start anyway.
      entry.filing = 'skipped';
      this.forget(entry.id);
    }
    this.options.onSent?.(toDto(entry, this.now()));
  }

  private recordFailure(entry: Entry, account: Account, raw: unknown): void {
    const { transient, error } = classifyFailure(raw, account.smtp.host, account.smtp.port);
    const tooOld = this.now() - entry.queuedAt > this.retry.giveUpAfterMs;
    if (transient && !tooOld) {
      const retryAt = this.now() + retryDelay(entry.attempts, this.retry);
      this.record({ type: 'deferred', id: entry.id, at: this.now(), error: error.toDto(), retryAt, attempts: entry.attempts });
    } else {
      const final = transient ? gaveUp(error, entry.attempts) : error;
      this.record({ type: 'failed', id: entry.id, at: this.now(), error: final.toDto(), attempts: entry.attempts });
    }
    log.warn('send attempt failed', { code: error.code, transient, attempts: entry.attempts });
  }

  private filingDueAt(entry: Entry): number | undefined {
    if (entry.phase !== 'sent' || !this.options.fileSentCopy) return undefined;
    if (entry.filing === 'pending') return entry.sentAt ?? 0;
    if (entry.filing === 'deferred') return entry.filingRetryAt ?? 0;
    return undefined;
  }

  /** Files the copy in Sent. Failing here never sends the message again: it only retries the copy. */
  private async fileCopy(entry: Entry): Promise<void> {
    this.filing.add(entry.id);
    try {
      const { account, password } = await this.options.credentials(entry.accountId);
      if (account.sentCopy === 'provider') {
        this.record({ type: 'filed', id: entry.id, at: this.now(), outcome: 'skipped' });
      } else {
        await this.options.fileSentCopy!(account, password, () => this.openMessage(entry.id, account));
        this.record({ type: 'filed', id: entry.id, at: this.now(), outcome: 'appended' });
      }
      this.forget(entry.id);
    } catch (error) {
      const retryAt = this.now() + retryDelay(entry.filingAttempts + 1, this.retry);
      this.record({ type: 'filing-deferred', id: entry.id, at: this.now(), error: asAppError(error).toDto(), retryAt });
    } finally {
      this.filing.delete(entry.id);
    }
  }

  /** Drops what is finished: sent and filed, or cancelled. Failed messages stay for the user. */
  private compact(): void {
    const finished = new Set(
      [...this.entries.values()]
        .filter(
          (e) =>
            e.phase === 'cancelled' ||
            (e.phase === 'sent' && (e.filing === 'appended' || e.filing === 'skipped' || !this.options.fileSentCopy)),
        )
        .map((e) => e.id),
    );
    if (finished.size === 0) return;
    this.journal.compact((record) => !finished.has(record.id));
    for (const id of finished) {
      this.entries.delete(id);
      this.forget(id);
    }
  }

  /** Files a crash left without a journal record (written, never queued) are not anybody's mail. */
  private removeOrphans(): void {
    for (const name of readdirSync(this.messagesDir)) {
      const id = name.split('.')[0]!;
      if (!this.entries.has(id) || name.endsWith('.partial')) rmSync(join(this.messagesDir, name), { force: true });
    }
  }

  /** A message too large to keep as a draft: composed now, streamed into a file of its own. */
  private async store(id: string, composed: Readable): Promise<{ size: number }> {
    // The folder's fsync (which makes the new name durable) is left to the journal's next
    // flush, which every Send awaits.
    this.journal.folderDirty = true;
    return { size: await writeFileDurably(this.messagePath(id), composed, { syncFolder: false }) };
  }

  private keepDraft(id: string, kept: Draft): void {
    this.drafts.set(id, kept);
    this.draftBytes += kept.bytes;
  }

  private forget(id: string): void {
    const kept = this.drafts.get(id);
    if (kept) {
      this.drafts.delete(id);
      this.draftBytes -= kept.bytes;
      return;
    }
    void rm(this.messagePath(id), { force: true }).catch(() => {});
  }

  /**
   * What goes on the wire: a draft as mail options, for nodemailer to compose as it writes to the
   * server (one MIME pass, as for any message it sends); a large message as its composed file.
   */
  private messageToSend(entry: Entry, account: Account): { raw: () => Readable; compose?: () => SendMailOptions; size: number } {
    const kept = this.drafts.get(entry.id);
    const raw = () => this.openMessage(entry.id, account);
    if (!kept) return { raw, size: entry.size };
    return { raw, compose: () => composeDraft(account, kept), size: entry.size };
  }

  /** The message's bytes: composed afresh from its draft (same Message-ID and Date), or its file. */
  private openMessage(id: string, account: Account): Readable {
    const kept = this.drafts.get(id);
    if (!kept) return createReadStream(this.messagePath(id));
    return new MailComposer(composeDraft(account, kept)).compile().createReadStream();
  }

  private messagePath(id: string): string {
    return join(this.messagesDir, `${id}.eml`);
  }
}

/** A kept draft as nodemailer's composer takes it; the envelope stays the one recorded at Send. */
function composeDraft(account: Account, kept: Draft): SendMailOptions {
  const { envelope: _envelope, ...mail } = composeMessage(account, kept.draft, { messageId: kept.messageId, date: kept.date });
  return mail;
}

function asAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('INTERNAL');
}

function dueAt(entry: Entry): number | undefined {
  if (entry.phase === 'queued') return entry.sendAt;
  if (entry.phase === 'retrying') return entry.retryAt;
  return undefined;
}

/** Runs jobs one after another, in the order they were handed in. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => {});
    return result;
  }
}
