import { join, relative } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { downloadMessage } from '../imap/download-message.js';
import type { ImapSession } from '../imap/imap-session.js';
import { log } from '../log.js';
import { parseMessageFile, snippetOf } from '../mime/parse-message-file.js';
import type { Folder, MessageStore } from '../store/message-store.js';

export type PrefetchLimits = {
  /** A message larger than this is left to be fetched when it is opened. */
  maxMessageBytes: number;
  /** A run stops after this many bytes; the next sync's run goes on from there. */
  maxRunBytes: number;
  /** A prefetch download waits until the account has been left alone this long. */
  quietMs: number;
};

/**
 * Two weeks: for a desktop client this covers what a person usually goes back to while away
 * from a network (a flight, a trip, a train), for a disk cost of tens of MB on a typical
 * account; older mail is still fetched (and then kept) when opened.
 */
const PREFETCH_DAYS = 14;

const PREFETCH_LIMITS: PrefetchLimits = {
  // Big attachments are what makes a mailbox large; they are streamed to disk on open instead.
  maxMessageBytes: 25 * 1024 * 1024,
  maxRunBytes: 100 * 1024 * 1024,
  // The user's clicks go first: while someone is opening messages or acting on them, the
  // session is theirs (a prefetch download runs between their jobs, never in a long stretch).
  quietMs: 2_000,
};

/** Messages looked at per prefetch run, at most. */
const PREFETCH_BATCH = 500;

const DAY_MS = 24 * 60 * 60_000;

/** One folder's prefetch: `again` when a sync finished while it ran (new mail may need fetching). */
type Prefetch = { accountId: string; done: Promise<void>; again: boolean; cancelled: boolean; wake?: () => void };

export type BodyPrefetcherOptions = {
  store: MessageStore;
  bodiesDir: string;
  /** See MailSyncOptions.prefetchDays. */
  days?: number;
  limits?: Partial<PrefetchLimits>;
  /** The account's session now: a run stops when it was replaced (new settings) or closed. */
  currentSession: (accountId: string) => ImapSession | undefined;
  /** When the person last did something with the account: downloads wait for a quiet moment. */
  lastUse: (accountId: string) => number;
};

/** Downloads, after each sync, the recent bodies a person may want to read offline. */
export class BodyPrefetcher {
  private readonly prefetches = new Map<string, Prefetch>();

  constructor(private readonly options: BodyPrefetcherOptions) {}

  private get store(): MessageStore {
    return this.options.store;
  }

  /** Resolves once the folder's prefetch, if one is running, has finished. */
  async done(accountId: string, path: string): Promise<void> {
    await this.prefetches.get(`${accountId}\u0000${path}`)?.done;
  }

  /**
   * Queues the download of the folder's recent bodies that are not kept yet (see prefetchDays),
   * newest first, one message per session job so that what the user asks for meanwhile is never
   * stuck behind it. Read-only (BODY.PEEK on an EXAMINEd mailbox): nothing is marked read. A
   * failure (the network went away) ends the run quietly; the next sync starts another. One run
   * per folder at a time: a sync finishing meanwhile has the running one go round once more.
   */
  after(accountId: string, folder: Folder, session: ImapSession): void {
    const days = this.options.days ?? PREFETCH_DAYS;
    if (!(days > 0) || this.options.currentSession(accountId) !== session) return;
    const key = `${accountId}\u0000${folder.path}`;
    const running = this.prefetches.get(key);
    if (running) {
      running.again = true;
      return;
    }
    const limits = { ...PREFETCH_LIMITS, ...this.options.limits };
    const job: Prefetch = { accountId, done: Promise.resolve(), again: true, cancelled: false };
    job.done = (async () => {
      while (job.again && !job.cancelled) {
        job.again = false;
        await this.prefetchRun(job, folder, session, Date.now() - days * DAY_MS, limits);
      }
    })()
      .catch((error: unknown) => {
        const code = error instanceof AppError ? error.code : 'INTERNAL';
        if (code === 'INTERNAL') log.warn('a body prefetch failed', { code });
      })
      .finally(() => {
        if (this.prefetches.get(key) === job) this.prefetches.delete(key);
      });
    this.prefetches.set(key, job);
  }

  private async prefetchRun(job: Prefetch, folder: Folder, session: ImapSession, since: number, limits: PrefetchLimits): Promise<void> {
    const wanted = this.store.withoutBody(folder.id, { since, maxSize: limits.maxMessageBytes, limit: PREFETCH_BATCH });
    let budget = limits.maxRunBytes;
    for (const { uid, size } of wanted) {
      if (size > budget) return;
      await this.quiet(job, limits.quietMs);
      // Stopped, the account forgotten, or its session replaced (new settings): the next sync's run goes on.
      if (job.cancelled || this.options.currentSession(job.accountId) !== session) return;
      const file = join(this.options.bodiesDir, job.accountId, String(folder.id), `${uid}.eml`);
      const fetched = await session.run(async (client) => {
        // Checked as the job starts: opened meanwhile, or gone by a sync or an action.
        const stored = this.store.message(folder.id, uid);
        if (!stored || stored.bodyFile) return false;
        return downloadMessage(client, folder.path, uid, file);
      });
      if (!fetched) continue;
      budget -= size;
      const parsed = await parseMessageFile(file);
      this.store.setBodyFile(folder.id, uid, relative(this.options.bodiesDir, file), parsed.text, snippetOf(parsed.text));
    }
  }

  /** Waits until the account has not been used for `quietMs` (or the prefetch is cancelled). */
  private async quiet(job: Prefetch, quietMs: number): Promise<void> {
    for (;;) {
      const wait = this.options.lastUse(job.accountId) + quietMs - Date.now();
      if (wait <= 0 || job.cancelled) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        timer.unref();
        job.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      job.wake = undefined;
    }
  }

  /** Stops the runs of the accounts `which` picks, and waits for a download under way. */
  async cancel(which: (accountId: string) => boolean): Promise<void> {
    const cancelled = [...this.prefetches.values()].filter((p) => which(p.accountId));
    for (const p of cancelled) {
      p.cancelled = true;
      p.wake?.();
    }
    await Promise.allSettled(cancelled.map((p) => p.done));
  }
}
