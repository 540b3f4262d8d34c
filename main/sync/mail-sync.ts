import type { ImapFlow } from 'imapflow';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { AppError } from '../../shared/errors.js';
import type { Account, Folder as FolderDto, IncomingProtocol, MessageDetail, MessageSummary } from '../../shared/schemas.js';
import { downloadMessage } from '../imap/download-message.js';
import { ImapSession } from '../imap/imap-session.js';
import { compareFolders as compareFolderDtos, listFolders } from '../imap/list-folders.js';
import { syncFolder, type FolderSyncResult, type SyncFeatures } from '../imap/sync-folder.js';
import { InboxWatcher } from '../imap/watch-inbox.js';
import { readMessageSource, type MessageSource } from '../mime/message-source.js';
import { parseMessageForReader, snippetOf } from '../mime/parse-message-file.js';
import { MergedList } from '../store/merged-list.js';
import { InlineStoreWriter, type StoreWriter } from '../store/store-writer.js';
import { ThreadIndex } from '../store/threading.js';
import { BodyPrefetcher, type PrefetchLimits } from './body-prefetch.js';
import { LocalActions } from './local-actions.js';
import { MessageActions, type MessageAction } from './message-actions.js';
import { Pop3Mail, type Pop3MailOptions } from './pop3-mail.js';
import { toSummary } from './message-summary.js';
import type { Folder, ListCursor, ListSort, MessageStore, StoredMessage } from '../store/message-store.js';

export type Credentials = { account: Account; password: string };

/** Where the next page of All inboxes starts: the last row's arrival, account and uid. */
export type InboxCursor = { receivedAt: number; accountId: string; uid: number };
/** A row of All inboxes. */
export type InboxMessage = MessageSummary & { accountId: string; folder: string };

export type MailSyncOptions = {
  store: MessageStore;
  /** Which protocol an account fetches its mail with (absent: every account is IMAP). */
  protocolOf?: (accountId: string) => IncomingProtocol;
  /** For POP3 accounts: how often they are checked, and client timeouts (tests). */
  pop3?: Pick<Pop3MailOptions, 'checkIntervalMs' | 'clientOptions'>;
  /** Where kept message sources live: <bodiesDir>/<account>/<folder id>/<uid>.eml */
  bodiesDir: string;
  credentials: (accountId: string) => Promise<Credentials>;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  features?: Partial<SyncFeatures>;
  firstBatch?: number;
  batchSize?: number;
  /** A list read from the store starts a background resync when the last one is older than this. */
  staleAfterMs?: number;
  /** Every account's folders are resynced this often, whatever IDLE says (default 5 min). */
  pollIntervalMs?: number;
  /** Keep an IDLE connection on the Inbox (default true). */
  idle?: boolean;
  /** Waits between attempts of queued actions while the server is out of reach. */
  actionRetry?: { firstDelayMs: number; maxDelayMs: number };
  /** Where sync steps are written (default: on this thread, threads assigned at once). */
  writer?: StoreWriter;
  /**
   * Once an account's Inbox is in, bring every other folder in too, one after another, and keep
   * them all current (default true): search and offline reading then cover the whole account.
   * Tests that share the test bed's folders turn it off.
   */
  syncAllFolders?: boolean;
  /**
   * After each sync of a folder, the bodies of its messages that arrived in the last this many
   * days are downloaded and kept, for reading offline (0: only on open). Default 14, see
   * body-prefetch.ts.
   */
  prefetchDays?: number;
  /** Bounds on a prefetch run (see body-prefetch.ts); tests make them small. */
  prefetchLimits?: Partial<PrefetchLimits>;
};

type Running = { done: Promise<FolderSyncResult>; firstBatch: Promise<void> };


/**
 * Keeps the local store in step with each account's server and answers the app's reads from
 * the store: the list of a folder is drawn from disk at once, while a sync brings it up to date
 * in the background and says so with events (sync.progressed, messages.changed, mail.arrived).
 *
 * Per account: one ImapSession (its jobs run one at a time) and one IDLE watcher; never more
 * than two connections.
 */
export class MailSync {
  private readonly sessions = new Map<string, { key: string; session: ImapSession; password: string; watcher?: InboxWatcher }>();
  private readonly running = new Map<string, Running>();
  /** When the user last did something with each account (see PrefetchLimits.quietMs). */
  private readonly lastUse = new Map<string, number>();
  private readonly prefetcher: BodyPrefetcher;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | undefined;
  readonly actions: MessageActions;
  /** POP3 accounts: local folders, checks for new mail, and actions done in the store alone. */
  readonly pop3: Pop3Mail;
  private readonly localActions: LocalActions;
  private readonly writer: StoreWriter;
  /** All inboxes' query (several folders merged newest first). */
  private readonly merged: MergedList;

  constructor(private readonly options: MailSyncOptions) {
    this.prefetcher = new BodyPrefetcher({
      store: options.store,
      bodiesDir: options.bodiesDir,
      days: options.prefetchDays,
      limits: options.prefetchLimits,
      currentSession: (accountId) => this.sessions.get(accountId)?.session,
      lastUse: (accountId) => this.lastUse.get(accountId) ?? 0,
    });
    const threads = new ThreadIndex(options.store.db);
    this.merged = new MergedList(options.store.db);
    this.writer = options.writer ?? new InlineStoreWriter(options.store, threads);
    const bodiesDir = options.bodiesDir;
    this.pop3 = new Pop3Mail({ store: options.store, bodiesDir, threads, credentials: options.credentials, emit: options.emit, ...options.pop3 });
    this.localActions = new LocalActions({ store: options.store, bodiesDir, threads, emit: options.emit });
    this.actions = new MessageActions({
      store: options.store,
      bodiesDir: options.bodiesDir,
      session: async (accountId) => (await this.session(accountId)).session,
      emit: options.emit,
      retry: options.actionRetry,
    });
  }

  /**
   * Shows a change at once and queues it for the server (see MessageActions); for a POP3
   * account, whose folders are local, it is simply done (see LocalActions).
   */
  async perform(accountId: string, action: MessageAction): Promise<number> {
    this.lastUse.set(accountId, Date.now());
    if (this.isPop3(accountId)) return this.localActions.perform(accountId, action);
    return this.actions.perform(accountId, action);
  }

  /**
   * Undo of a delete or a move (messages.undo): see MessageActions.undo and LocalActions.undo.
   * Answers the id of the reversal queued for the server, if there is one.
   */
  async undo(accountId: string, actionId: number): Promise<{ undone: true; actionId?: number }> {
    this.lastUse.set(accountId, Date.now());
    if (this.isPop3(accountId)) {
      await this.localActions.undo(accountId, actionId);
      return { undone: true };
    }
    const reversal = await this.actions.undo(accountId, actionId);
    return reversal === undefined ? { undone: true } : { undone: true, actionId: reversal };
  }

  /** The folder that delete moves messages to: the account's Trash, if it has one. */
  trashOf(accountId: string): string | null {
    if (this.isPop3(accountId)) this.pop3.ensureFolders(accountId);
    return this.actions.trashOf(accountId);
  }

  private isPop3(accountId: string): boolean {
    return this.options.protocolOf?.(accountId) === 'pop3';
  }

  get store(): MessageStore {
    return this.options.store;
  }

  /** Starts the periodic resync of every account that has been opened. */
  start(): void {
    const every = this.options.pollIntervalMs ?? 5 * 60_000;
    this.pollTimer = setInterval(() => void this.pollAll(), every);
    this.pollTimer.unref();
    this.actions.start();
    this.pop3.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    this.actions.stop();
    await this.pop3.stop();
    const prefetches = this.prefetcher.cancel(() => true);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await prefetches;
    for (const accountId of [...this.sessions.keys()]) await this.closeSession(accountId);
    await this.writer.close();
  }

  /** The account's session, made anew when its settings or password changed. */
  async session(accountId: string): Promise<{ account: Account; session: ImapSession }> {
    if (this.isPop3(accountId)) {
      throw new AppError('INVALID_ARGUMENT', { message: 'This account fetches its mail by POP3, whose folders are on this computer only.' });
    }
    const { account, password } = await this.options.credentials(accountId);
    const key = JSON.stringify([account.imap, account.username, account.email, password]);
    // Checked and replaced with no await in between: concurrent callers share one session.
    const existing = this.sessions.get(accountId);
    if (existing?.key === key) return { account, session: existing.session };
    if (existing) void this.closeSession(accountId);
    const session = new ImapSession(account, password);
    this.sessions.set(accountId, { key, session, password });
    return { account, session };
  }

  /** Keeps an IDLE connection on the account's Inbox; new mail there is synced at once. */
  async watch(accountId: string): Promise<void> {
    if (this.options.idle === false || this.isPop3(accountId)) return;
    const { account } = await this.session(accountId);
    const entry = this.sessions.get(accountId);
    if (!entry || entry.watcher) return;
    entry.watcher = new InboxWatcher(account, entry.password, () => void this.syncFolder(accountId, 'INBOX').catch(() => {}));
    void entry.watcher.start();
  }

  /** Closes the account's connections (its settings or password changed): the next use connects anew. */
  async disconnect(accountId: string): Promise<void> {
    await this.closeSession(accountId);
  }

  /** Closes the account's connections and deletes its local copy (when the account is removed). */
  async forget(accountId: string): Promise<void> {
    this.syncingAll.delete(accountId);
    this.actions.forget(accountId);
    this.pop3.forget(accountId);
    // Before the files go: a download under way finishes (or fails) first.
    await this.prefetcher.cancel((id) => id === accountId);
    await this.closeSession(accountId);
    // And one a sync that ended meanwhile may have started.
    await this.prefetcher.cancel((id) => id === accountId);
    for (const folder of this.store.folders(accountId)) this.store.removeFolder(folder.id);
    await rm(this.accountBodies(accountId), { recursive: true, force: true });
  }

  /** The folder tree from the store; read from the server when the store has none yet, or when asked. */
  async folders(accountId: string, { refresh = false } = {}): Promise<FolderDto[]> {
    if (this.isPop3(accountId)) {
      this.pop3.ensureFolders(accountId);
      return this.folderDtos(accountId);
    }
    if (refresh || this.store.folders(accountId).length === 0) return this.refreshFolders(accountId);
    void this.refreshFolders(accountId).catch(() => {});
    return this.folderDtos(accountId);
  }

  /**
   * Runs a folder command (create, rename, delete, subscribe) on the account's session, lets
   * `andLocally` bring the store along, then reads the folder list again.
   */
  async folderCommand<T>(accountId: string, job: (client: ImapFlow) => Promise<T>, andLocally?: (result: T) => void): Promise<T> {
    if (this.isPop3(accountId)) {
      throw new AppError('INVALID_ARGUMENT', { message: 'A POP3 account has a fixed set of local folders: Inbox, Sent, Drafts and Trash.' });
    }
    const { session } = await this.session(accountId);
    const result = await session.run(job);
    andLocally?.(result);
    await this.refreshFolders(accountId);
    return result;
  }

  async refreshFolders(accountId: string): Promise<FolderDto[]> {
    if (this.isPop3(accountId)) return this.folders(accountId);
    const { session } = await this.session(accountId);
    const listed = await session.run((client) => listFolders(client));
    const before = JSON.stringify(this.folderDtos(accountId));
    this.store.saveFolderList(
      accountId,
      listed.map((f) => ({ ...f, subscribed: true, total: f.total, unread: f.unread })),
    );
    const after = this.folderDtos(accountId);
    if (JSON.stringify(after) !== before) this.options.emit('folders.changed', { accountId });
    return after;
  }

  /**
   * A page of a folder's messages from the store, newest first. The first time a folder is read
   * this waits for its newest messages to arrive; afterwards it answers from the store at once and
   * resyncs in the background.
   */
  async messages(accountId: string, path: string, { limit = 50, before, sort }: { limit?: number; before?: ListCursor; sort?: ListSort } = {}): Promise<MessageSummary[]> {
    const folder = await this.readyFolder(accountId, path, { deeper: before !== undefined });
    return this.store.listMessages(folder.id, { limit, before, sort }).map(toSummary);
  }

  /**
   * All inboxes: the Inboxes of these accounts merged newest first from the store (see
   * MergedList), each made ready as a list of one would be. An account whose Inbox cannot be
   * read now (never synced, and the server out of reach) is left out, and sync.failed says why:
   * the others' mail still shows.
   */
  async inboxes(accountIds: readonly string[], { limit, before }: { limit: number; before?: InboxCursor }): Promise<InboxMessage[]> {
    const ready = await Promise.all(
      accountIds.map(async (accountId) => {
        try {
          const folder = await this.readyFolder(accountId, 'INBOX', { deeper: before !== undefined, quiet: true });
          return { accountId, folderId: folder.id };
        } catch (error) {
          const dto = error instanceof AppError ? error.toDto() : new AppError('INTERNAL').toDto();
          this.options.emit('sync.failed', { accountId, folder: 'INBOX', error: dto });
          return undefined;
        }
      }),
    );
    const inboxes = ready.filter((r) => r !== undefined);
    const accountOf = new Map(inboxes.map((r) => [r.folderId, r.accountId]));
    const cursor = before && {
      internalDate: before.receivedAt,
      // An account gone since the last page: its place in the order is taken as the lowest.
      folderId: inboxes.find((r) => r.accountId === before.accountId)?.folderId ?? 0,
      uid: before.uid,
    };
    return this.merged
      .list(inboxes.map((r) => r.folderId), { limit, before: cursor })
      .map((m) => ({ ...toSummary(m), accountId: accountOf.get(m.folderId)!, folder: 'INBOX' }));
  }

  /**
   * A folder, ready to be listed from the store. The first time one is read this waits for its
   * newest messages to arrive; afterwards the store answers at once and a resync runs in the
   * background when the last is older than staleAfterMs (not for a further page: `deeper`).
   * `quiet`: a failed first sync does not throw (sync.failed tells it; the store has what it has).
   */
  private async readyFolder(accountId: string, path: string, { deeper, quiet = false }: { deeper: boolean; quiet?: boolean }): Promise<Folder> {
    this.lastUse.set(accountId, Date.now());
    if (this.isPop3(accountId)) return this.readyPop3Folder(accountId, path, deeper);
    const folder = await this.folder(accountId, path);
    if (folder.oldestUid === null) {
      const run = this.startSync(accountId, path);
      await Promise.race([run.firstBatch, quiet ? run.done.catch(() => {}) : run.done]);
    } else if (!deeper && Date.now() - (folder.syncedAt ?? 0) > (this.options.staleAfterMs ?? 15_000)) {
      void this.syncFolder(accountId, path).catch(() => {});
    }
    if (path === 'INBOX') {
      void this.watch(accountId).catch(() => {});
      this.syncAllLater(accountId);
    }
    return folder;
  }

  /**
   * A POP3 account's folder in the store. Its Inbox is checked in the background when it was
   * not checked in this run yet or the last check is older than staleAfterMs; the list shows
   * what is in now, and messages.changed says when more came.
   */
  private readyPop3Folder(accountId: string, path: string, deeper: boolean): Folder {
    this.pop3.ensureFolders(accountId);
    const folder = this.store.folderByPath(accountId, path);
    if (!folder) throw new AppError('NOT_FOUND', { message: 'That folder does not exist.' });
    const last = this.pop3Checked.get(accountId);
    if (path === 'INBOX' && !deeper && (last === undefined || Date.now() - last > (this.options.staleAfterMs ?? 15_000))) {
      this.pop3Checked.set(accountId, Date.now());
      void this.pop3.check(accountId).catch(() => {});
    }
    return folder;
  }

  private readonly pop3Checked = new Map<string, number>();

  /**
   * Brings one folder up to date (a sync already running for it is joined, not repeated). For a
   * POP3 account: a check for new mail when it is the Inbox; its other folders are local only.
   */
  async syncFolder(accountId: string, path: string): Promise<FolderSyncResult> {
    if (this.isPop3(accountId)) {
      const downloaded = path === 'INBOX' ? (await this.pop3.check(accountId)).downloaded : 0;
      this.pop3Checked.set(accountId, Date.now());
      return { added: downloaded, removed: 0, flagsChanged: 0, arrived: downloaded, reset: false };
    }
    return this.startSync(accountId, path).done;
  }

  /**
   * Opens a message: from the kept source when there is one (no network needed), otherwise
   * streamed from the server to disk and kept. Opening marks it read.
   */
  async open(accountId: string, path: string, uid: number): Promise<MessageDetail> {
    this.lastUse.set(accountId, Date.now());
    const { folder, stored, source } = await this.keptMessage(accountId, path, uid);
    const parsed = await parseMessageForReader(source);
    if (typeof source === 'string') this.store.setBodyFile(folder.id, uid, relative(this.options.bodiesDir, source), parsed.text, snippetOf(parsed.text));
    else this.store.setBody(folder.id, uid, parsed.text, snippetOf(parsed.text));
    if (!stored.flags.seen) await this.markSeen(accountId, folder, stored);
    return { ...toSummary(stored), ...parsed, unread: false };
  }

  /** A message's raw source (View source), from its kept copy (downloaded and kept first if need be), cut at `limit` bytes. */
  async source(accountId: string, path: string, uid: number, limit?: number): Promise<MessageSource> {
    const { source } = await this.keptMessage(accountId, path, uid);
    return readMessageSource(source, limit);
  }

  /** Writes the search entries a first sync left for later: a search waits for them. */
  catchUpIndex(): Promise<void> {
    return this.writer.catchUpIndex();
  }

  /** A message's kept source (its file, or its bytes in the store), downloaded and kept first if need be: to save, open or forward its attachments. */
  async keptSource(accountId: string, path: string, uid: number): Promise<string | Buffer> {
    this.lastUse.set(accountId, Date.now());
    return (await this.keptMessage(accountId, path, uid)).source;
  }

  /**
   * The message's kept source: its bytes where the store keeps them (a local folder's small
   * message), else its file, streamed from the server to disk first when there is none.
   */
  private async keptMessage(accountId: string, path: string, uid: number): Promise<{ folder: Folder; stored: StoredMessage; source: string | Buffer }> {
    const folder = await this.folder(accountId, path);
    const stored = this.store.message(folder.id, uid);
    if (!stored) throw new AppError('NOT_FOUND', { message: 'That message is no longer in this folder.' });
    if (stored.sourceInStore) {
      const bytes = this.store.sourceOf(folder.id, uid);
      if (bytes) return { folder, stored, source: bytes };
    }
    const file = join(this.accountBodies(accountId), String(folder.id), `${uid}.eml`);
    if (!stored.bodyFile || !existsSync(file)) {
      if (this.isPop3(accountId)) throw new AppError('NOT_FOUND', { message: 'The local copy of this message is missing.' });
      const { session } = await this.session(accountId);
      const found = await session.run((client) => downloadMessage(client, path, uid, file));
      if (!found) {
        this.store.applySync(folder.id, { remove: [uid] });
        this.options.emit('messages.changed', { accountId, folder: path });
        throw new AppError('NOT_FOUND', { message: 'That message is no longer on the server.' });
      }
    }
    return { folder, stored, source: file };
  }

  private async markSeen(accountId: string, folder: Folder, message: StoredMessage): Promise<void> {
    await this.perform(accountId, { kind: 'flags', folder: folder.path, uids: [message.uid], add: ['seen'], remove: [] });
  }

  private startSync(accountId: string, path: string): Running {
    const key = `${accountId}\u0000${path}`;
    const existing = this.running.get(key);
    if (existing) return existing;
    let firstBatchDone!: () => void;
    const firstBatch = new Promise<void>((resolve) => (firstBatchDone = resolve));
    const done = (async () => {
      const folder = await this.folder(accountId, path);
      const { session } = await this.session(accountId);
      // Queued actions first: the server should show them before its state is read back.
      await this.actions.drain(accountId);
      const result = await session.run((client) =>
        syncFolder(client, this.store, folder.id, path, {
          features: this.options.features,
          writer: this.writer,
          firstBatch: this.options.firstBatch,
          batchSize: this.options.batchSize,
          onFirstBatch: () => {
            firstBatchDone();
            this.options.emit('messages.changed', { accountId, folder: path });
          },
          onProgress: ({ done, total }) => this.options.emit('sync.progressed', { accountId, folder: path, done, total }),
        }),
      );
      this.actions.reapply(accountId, path);
      if (result.added || result.removed || result.flagsChanged || result.reset) {
        this.options.emit('messages.changed', { accountId, folder: path });
        this.options.emit('folders.changed', { accountId });
      }
      if (result.arrived > 0) this.options.emit('mail.arrived', { accountId, folder: path, count: result.arrived });
      if (!this.stopping) this.prefetcher.after(accountId, folder, session);
      return result;
    })();
    const running: Running = { done, firstBatch };
    this.running.set(key, running);
    void done
      .catch((error: unknown) => {
        const dto = error instanceof AppError ? error.toDto() : new AppError('INTERNAL').toDto();
        this.options.emit('sync.failed', { accountId, folder: path, error: dto });
      })
      .finally(() => {
        this.running.delete(key);
        firstBatchDone();
      });
    return running;
  }

  /** Resolves once the folder's prefetch, if one is running, has finished. */
  prefetched(accountId: string, path: string): Promise<void> {
    return this.prefetcher.done(accountId, path);
  }

  private async folder(accountId: string, path: string): Promise<Folder> {
    const known = this.store.folderByPath(accountId, path);
    if (known) return known;
    await this.refreshFolders(accountId);
    const listed = this.store.folderByPath(accountId, path);
    if (!listed) throw new AppError('NOT_FOUND', { message: 'That folder does not exist on the server.' });
    return listed;
  }

  private folderDtos(accountId: string): FolderDto[] {
    return this.store.folders(accountId).map((f) => {
      // Once the whole folder is in the store its own counts are exact (and follow local changes
      // at once); before that, the server's STATUS figures.
      const counts = f.oldestUid === 1 ? this.store.counts(f.id) : { total: f.total ?? 0, unread: f.unread ?? 0 };
      return {
        path: f.path,
        name: f.name ?? f.path,
        role: f.role,
        delimiter: f.delimiter,
        total: counts.total,
        unread: counts.unread,
        selectable: f.selectable,
      };
    }).sort(compareFolderDtos);
  }

  private accountBodies(accountId: string): string {
    return join(this.options.bodiesDir, accountId);
  }

  private async pollAll(): Promise<void> {
    for (const accountId of this.sessions.keys()) await this.syncAll(accountId);
  }

  private readonly syncingAll = new Map<string, Promise<void>>();

  /** After the Inbox's first batch: the account's other folders, in the background, once. */
  private syncAllLater(accountId: string): void {
    if (this.options.syncAllFolders === false || this.syncingAll.has(accountId)) return;
    const run = this.syncFolder(accountId, 'INBOX')
      .catch(() => {})
      .then(() => this.syncAll(accountId));
    this.syncingAll.set(accountId, run);
  }

  /**
   * Every selectable folder the store knows, Inbox and the roles first (the folder list's order):
   * all of them when the account syncs everything, else only those already opened.
   */
  private async syncAll(accountId: string): Promise<void> {
    const all = this.options.syncAllFolders !== false;
    const folders = this.folderDtos(accountId).filter((f) => f.selectable);
    for (const { path } of folders) {
      if (this.stopping || !this.sessions.has(accountId)) return;
      const folder = this.store.folderByPath(accountId, path);
      if (!folder || (!all && folder.oldestUid === null)) continue;
      await this.syncFolder(accountId, path).catch(() => {});
    }
  }

  private async closeSession(accountId: string): Promise<void> {
    const entry = this.sessions.get(accountId);
    if (!entry) return;
    this.sessions.delete(accountId);
    entry?.watcher?.stop();
    await entry?.session.close();
  }
}

