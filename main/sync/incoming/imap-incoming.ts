import type { ImapFlow } from 'imapflow';
import type { Readable } from 'node:stream';
import { AppError } from '../../../shared/errors.js';
import type { Account, AccountCapabilities } from '../../../shared/schemas.js';
import { appendToRole, findInRole } from '../../imap/append-to-role.js';
import { createFolder } from '../../imap/create-folder.js';
import { deleteFolder } from '../../imap/delete-folder.js';
import { downloadMessage } from '../../imap/download-message.js';
import { ImapSession } from '../../imap/imap-session.js';
import { listFolders } from '../../imap/list-folders.js';
import { renameFolder } from '../../imap/rename-folder.js';
import { subscribeFolder, unsubscribeFolder } from '../../imap/subscribe-folder.js';
import { syncFolder, type FolderSyncResult, type SyncFeatures } from '../../imap/sync-folder.js';
import { InboxWatcher, INBOX_POLL_MS } from '../../imap/watch-inbox.js';
import type { Folder } from '../../store/message-store.js';
import type { StoreWriter } from '../../store/store-writer.js';
import { BodyPrefetcher, type PrefetchLimits } from '../body-prefetch.js';
import { MessageActions, type MessageAction } from '../message-actions.js';
import { searchOnServer } from '../search-mail.js';
import { folderAt, folderDtos } from '../store-folders.js';
import type { FolderChange, IncomingContext, IncomingMail, KeepOptions, KeptRole, ReadyOptions } from './incoming-mail.js';

/** How IMAP accounts are kept in step (MailSyncOptions passes these on). */
export type ImapSyncOptions = {
  features?: Partial<SyncFeatures>;
  firstBatch?: number;
  batchSize?: number;
  /** Every account's folders are resynced this often, whatever IDLE says (default 5 min). */
  pollIntervalMs?: number;
  /**
   * Where the server has no IDLE, how often the Inbox watcher asks it for news instead (default
   * 60 s, see watch-inbox.ts); other folders keep pollIntervalMs.
   */
  inboxPollMs?: number;
  /** Keep a second connection on the Inbox for new mail (IDLE, or polling without it; default true). */
  idle?: boolean;
  /** Waits between attempts of queued actions while the server is out of reach. */
  actionRetry?: { firstDelayMs: number; maxDelayMs: number };
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

export type ImapIncomingOptions = IncomingContext &
  ImapSyncOptions & {
    /** Where sync steps are written. */
    writer: StoreWriter;
    /** When the user last did something with each account (see PrefetchLimits.quietMs). */
    lastUse: (accountId: string) => number;
  };

type Running = { done: Promise<FolderSyncResult>; firstBatch: Promise<void> };
const syncKey = (accountId: string, path: string) => `${accountId}\u0000${path}`;

/**
 * IMAP accounts: the server holds the folders, flags and messages, and the store is a copy kept
 * in step. Per account one ImapSession (its jobs run one at a time) and one Inbox watcher;
 * never more than two connections.
 */
const NOT_NEW_MAIL: ReadonlySet<string> = new Set(['sent', 'drafts', 'trash', 'junk']);

export class ImapIncoming implements IncomingMail {
  private readonly sessions = new Map<string, { key: string; session: ImapSession; password: string; watcher?: InboxWatcher }>();
  private readonly running = new Map<string, Running>();
  private readonly syncingAll = new Map<string, Promise<void>>();
  private readonly prefetcher: BodyPrefetcher;
  private readonly actions: MessageActions;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ImapIncomingOptions) {
    this.prefetcher = new BodyPrefetcher({
      store: options.store,
      bodiesDir: options.bodiesDir,
      days: options.prefetchDays,
      limits: options.prefetchLimits,
      currentSession: (accountId) => this.sessions.get(accountId)?.session,
      lastUse: options.lastUse,
    });
    this.actions = new MessageActions({
      store: options.store,
      bodiesDir: options.bodiesDir,
      session: async (accountId) => (await this.session(accountId)).session,
      emit: options.emit,
      retry: options.actionRetry,
    });
  }

  /**
   * Everything but push, which only the server can tell: its Inbox watcher says whether it
   * offers IDLE once it has connected; until then IDLE is expected (nearly every server has it).
   */
  capabilities(accountId: string): AccountCapabilities {
    const push = this.options.idle !== false && (this.sessions.get(accountId)?.watcher?.push ?? true);
    return { serverFolders: true, serverFlags: true, serverSearch: true, push };
  }

  /** Starts the periodic resync of every account that has been opened, and the queue of actions. */
  start(): void {
    this.pollTimer = setInterval(() => void this.pollAll(), this.options.pollIntervalMs ?? 5 * 60_000);
    this.pollTimer.unref();
    this.actions.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    this.actions.stop();
    const prefetches = this.prefetcher.cancel(() => true);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await prefetches;
    for (const accountId of [...this.sessions.keys()]) await this.closeSession(accountId);
  }

  async disconnect(accountId: string): Promise<void> {
    await this.closeSession(accountId);
  }

  async forget(accountId: string): Promise<void> {
    this.syncingAll.delete(accountId);
    this.actions.forget(accountId);
    // Before the files go: a download under way finishes (or fails) first.
    await this.prefetcher.cancel((id) => id === accountId);
    await this.closeSession(accountId);
    // And one a sync that ended meanwhile may have started.
    await this.prefetcher.cancel((id) => id === accountId);
  }

  async refreshFolders(accountId: string): Promise<void> {
    const { store, emit } = this.options;
    const { session } = await this.session(accountId);
    const listed = await session.run((client) => listFolders(client));
    const before = JSON.stringify(folderDtos(store, accountId));
    store.saveFolderList(
      accountId,
      listed.map((f) => ({ ...f, subscribed: true, total: f.total, unread: f.unread })),
    );
    if (JSON.stringify(folderDtos(store, accountId)) !== before) emit('folders.changed', { accountId });
  }

  /** Runs the change on the account's session, brings the store along, then reads the folder list again. */
  async changeFolder(accountId: string, change: FolderChange): Promise<{ path: string }> {
    const { store } = this.options;
    const { session } = await this.session(accountId);
    const result = await session.run((client) => changeOnServer(client, change));
    if (change.kind === 'rename') {
      store.renameFolderPath(accountId, change.path, result.path, store.folderByPath(accountId, change.path)?.delimiter ?? null);
    }
    await this.refreshFolders(accountId);
    return result;
  }

  async ready(accountId: string, path: string, { deeper, quiet = false }: ReadyOptions): Promise<Folder> {
    const folder = await this.folder(accountId, path);
    if (folder.oldestUid === null) {
      const run = this.startSync(accountId, path);
      await Promise.race([run.firstBatch, quiet ? run.done.catch(() => {}) : run.done]);
    } else if (!deeper && Date.now() - (folder.syncedAt ?? 0) > this.options.staleAfterMs) {
      void this.sync(accountId, path).catch(() => {});
    }
    if (path === 'INBOX') {
      void this.watch(accountId).catch(() => {});
      this.syncAllLater(accountId);
    }
    return folder;
  }

  sync(accountId: string, path: string): Promise<FolderSyncResult> {
    return this.startSync(accountId, path).done;
  }

  async searchServer(accountId: string, folder: Folder, query: string, limit: number): Promise<void> {
    const { session } = await this.session(accountId);
    await session.run((client) => searchOnServer(client, this.options.store, folder.id, folder.path, query, limit));
  }

  /** Streams the message from the server to `file`; one the server no longer has leaves the store too. */
  async fetchBody(accountId: string, folder: Folder, uid: number, file: string): Promise<void> {
    const { session } = await this.session(accountId);
    const found = await session.run((client) => downloadMessage(client, folder.path, uid, file));
    if (!found) {
      this.options.store.applySync(folder.id, { remove: [uid] });
      this.options.emit('messages.changed', { accountId, folder: folder.path });
      throw new AppError('NOT_FOUND', { message: 'That message is no longer on the server.' });
    }
  }

  /** Shows a change at once and queues it for the server (see MessageActions). */
  async perform(accountId: string, action: MessageAction): Promise<number> {
    return this.actions.perform(accountId, action);
  }

  async undo(accountId: string, actionId: number): Promise<{ undone: true; actionId?: number }> {
    const reversal = await this.actions.undo(accountId, actionId);
    return reversal === undefined ? { undone: true } : { undone: true, actionId: reversal };
  }

  trashOf(accountId: string): string | null {
    return this.actions.trashOf(accountId);
  }

  /** APPEND to the role's folder, through the account's session: filing a copy never opens a third connection. */
  async keep(accountId: string, role: KeptRole, raw: () => Readable, { seen = true, draft = false, messageId }: KeepOptions = {}): Promise<{ folder: string; uid: number | null }> {
    const chunks: Buffer[] = [];
    // APPEND needs the literal's length up front, so the message is read once here.
    for await (const chunk of raw()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    const flags = [...(draft ? ['\\Draft'] : []), ...(seen ? ['\\Seen'] : [])];
    const { session } = await this.session(accountId);
    const kept = await session.run((client) => appendToRole(client, role, Buffer.concat(chunks), flags, messageId));
    // The sent copy joins its conversation and search now, not at the next check of every folder.
    if (role === 'sent') void this.syncAfter(accountId, kept.folder).catch(() => {});
    return kept;
  }

  async keptCopies(accountId: string, role: KeptRole, marker: string): Promise<{ folder: string; uids: number[] }> {
    const { session } = await this.session(accountId);
    return session.run((client) => findInRole(client, role, marker));
  }

  /** Resolves once the folder's prefetch, if one is running, has finished. */
  prefetched(accountId: string, path: string): Promise<void> {
    return this.prefetcher.done(accountId, path);
  }

  /** The account's session, made anew when its settings or password changed. */
  private async session(accountId: string): Promise<{ account: Account; session: ImapSession }> {
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

  /** Keeps a connection on the account's Inbox (IDLE, or polling where there is none); new mail there is synced at once. */
  private async watch(accountId: string): Promise<void> {
    if (this.options.idle === false) return;
    const { account } = await this.session(accountId);
    const entry = this.sessions.get(accountId);
    if (!entry || entry.watcher) return;
    entry.watcher = new InboxWatcher(account, entry.password, () => void this.syncAfter(accountId, 'INBOX').catch(() => {}), {
      pollMs: this.options.inboxPollMs ?? INBOX_POLL_MS,
    });
    void entry.watcher.start();
  }

  private folder(accountId: string, path: string): Promise<Folder> {
    return folderAt(this.options.store, accountId, path, () => this.refreshFolders(accountId));
  }

  /**
   * A sync that reads the folder after now: one running already may have read past the news
   * (new mail announced while it ran), so this one follows it rather than joining it.
   */
  private syncAfter(accountId: string, path: string): Promise<FolderSyncResult> {
    const running = this.running.get(syncKey(accountId, path));
    return running ? running.done.catch(() => {}).then(() => this.sync(accountId, path)) : this.sync(accountId, path);
  }

  private startSync(accountId: string, path: string): Running {
    const key = syncKey(accountId, path);
    const existing = this.running.get(key);
    if (existing) return existing;
    const { store, emit } = this.options;
    let firstBatchDone!: () => void;
    const firstBatch = new Promise<void>((resolve) => (firstBatchDone = resolve));
    const done = (async () => {
      const folder = await this.folder(accountId, path);
      const { session } = await this.session(accountId);
      // Queued actions first: the server should show them before its state is read back.
      await this.actions.drain(accountId);
      const result = await session.run((client) =>
        syncFolder(client, store, folder.id, path, {
          features: this.options.features,
          writer: this.options.writer,
          firstBatch: this.options.firstBatch,
          batchSize: this.options.batchSize,
          onFirstBatch: () => {
            firstBatchDone();
            emit('messages.changed', { accountId, folder: path });
          },
          onProgress: ({ done, total }) => emit('sync.progressed', { accountId, folder: path, done, total }),
        }),
      );
      this.actions.reapply(accountId, path);
      if (result.added || result.removed || result.flagsChanged || result.reset) {
        emit('messages.changed', { accountId, folder: path });
        emit('folders.changed', { accountId });
      }
      // What appears in Sent, Drafts, Trash or Junk is no new mail for the person (their own sent
      // copy, a draft saved elsewhere): it is listed, never announced.
      if (result.arrived > 0 && !NOT_NEW_MAIL.has(folder.role ?? '')) emit('mail.arrived', { accountId, folder: path, count: result.arrived });
      if (!this.stopping) this.prefetcher.after(accountId, folder, session);
      return result;
    })();
    const running: Running = { done, firstBatch };
    this.running.set(key, running);
    void done
      .catch((error: unknown) => {
        const dto = error instanceof AppError ? error.toDto() : new AppError('INTERNAL').toDto();
        emit('sync.failed', { accountId, folder: path, error: dto });
      })
      .finally(() => {
        this.running.delete(key);
        firstBatchDone();
      });
    return running;
  }

  private async pollAll(): Promise<void> {
    for (const accountId of this.sessions.keys()) await this.syncAll(accountId);
  }

  /** After the Inbox's first batch: the account's other folders, in the background, once. */
  private syncAllLater(accountId: string): void {
    if (this.options.syncAllFolders === false || this.syncingAll.has(accountId)) return;
    const run = this.sync(accountId, 'INBOX')
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
    const folders = folderDtos(this.options.store, accountId).filter((f) => f.selectable);
    for (const { path } of folders) {
      if (this.stopping || !this.sessions.has(accountId)) return;
      const folder = this.options.store.folderByPath(accountId, path);
      if (!folder || (!all && folder.oldestUid === null)) continue;
      await this.sync(accountId, path).catch(() => {});
    }
  }

  private async closeSession(accountId: string): Promise<void> {
    const entry = this.sessions.get(accountId);
    if (!entry) return;
    this.sessions.delete(accountId);
    entry.watcher?.stop();
    await entry.session.close();
  }
}

/** The folder change as IMAP commands (create-folder.ts and its neighbours check names and roles). */
async function changeOnServer(client: ImapFlow, change: FolderChange): Promise<{ path: string }> {
  switch (change.kind) {
    case 'create':
      return createFolder(client, change.parent, change.name);
    case 'rename':
      return renameFolder(client, change.path, change.name);
    case 'delete':
      await deleteFolder(client, change.path);
      return { path: change.path };
    case 'subscribe':
      await (change.subscribed ? subscribeFolder(client, change.path) : unsubscribeFolder(client, change.path));
      return { path: change.path };
  }
}
