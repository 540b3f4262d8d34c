import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { AppError } from '../../shared/errors.js';
import type { Account, AccountCapabilities, Folder as FolderDto, IncomingProtocol, MessageDetail, MessageSummary } from '../../shared/schemas.js';
import type { FolderSyncResult } from '../imap/sync-folder.js';
import { readMessageSource, type MessageSource } from '../mime/message-source.js';
import { parseMessageForReader, snippetOf } from '../mime/parse-message-file.js';
import { MergedList } from '../store/merged-list.js';
import { InlineStoreWriter, type StoreWriter } from '../store/store-writer.js';
import { ThreadIndex } from '../store/threading.js';
import type { Folder, KeptMessage, ListCursor, ListSort, MessageStore, StoredMessage } from '../store/message-store.js';
import { ImapIncoming, type ImapSyncOptions } from './incoming/imap-incoming.js';
import type { FolderChange, IncomingMail, KeepOptions, KeptRole } from './incoming/incoming-mail.js';
import { Pop3Incoming, type Pop3IncomingOptions } from './incoming/pop3-incoming.js';
import type { MessageAction } from './message-actions.js';
import { toSummary } from './message-summary.js';
import { folderAt, folderDtos } from './store-folders.js';

export type Credentials = { account: Account; password: string };

/** Where the next page of All inboxes starts: the last row's arrival, account and uid. */
export type InboxCursor = { receivedAt: number; accountId: string; uid: number };
/** A row of All inboxes. */
export type InboxMessage = MessageSummary & { accountId: string; folder: string };

export type MailSyncOptions = ImapSyncOptions & {
  store: MessageStore;
  /** Which protocol an account fetches its mail with (absent: every account is IMAP). */
  protocolOf?: (accountId: string) => IncomingProtocol;
  /** For POP3 accounts: how often they are checked, and client timeouts (tests). */
  pop3?: Pick<Pop3IncomingOptions, 'checkIntervalMs' | 'clientOptions'>;
  /** Where kept message sources live: <bodiesDir>/<account>/<folder id>/<uid>.eml */
  bodiesDir: string;
  credentials: (accountId: string) => Promise<Credentials>;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** A list read from the store starts a background resync when the last one is older than this. */
  staleAfterMs?: number;
  /** Where sync steps are written (default: on this thread, threads assigned at once). */
  writer?: StoreWriter;
};

/**
 * Keeps the local store in step with each account's server and answers the app's reads from
 * the store: the list of a folder is drawn from disk at once, while a sync brings it up to date
 * in the background and says so with events (sync.progressed, messages.changed, mail.arrived).
 *
 * What reaches the server is done by the account's backend (incoming/: one for IMAP, one for
 * POP3, picked once per account), which also says what the account can do.
 */
export class MailSync {
  private readonly imap: ImapIncoming;
  private readonly backends: Record<IncomingProtocol, IncomingMail>;
  /** Each account's backend, picked on first use (again after its settings changed). */
  private readonly chosen = new Map<string, IncomingMail>();
  /** When the user last did something with each account (see PrefetchLimits.quietMs). */
  private readonly lastUse = new Map<string, number>();
  private readonly writer: StoreWriter;
  /** All inboxes' query (several folders merged newest first). */
  private readonly merged: MergedList;

  constructor(private readonly options: MailSyncOptions) {
    const { store, bodiesDir, credentials, emit } = options;
    const threads = new ThreadIndex(store.db);
    this.merged = new MergedList(store.db);
    this.writer = options.writer ?? new InlineStoreWriter(store, threads);
    const context = { store, bodiesDir, credentials, emit, staleAfterMs: options.staleAfterMs ?? 15_000 };
    this.imap = new ImapIncoming({ ...options, ...context, writer: this.writer, lastUse: (accountId) => this.lastUse.get(accountId) ?? 0 });
    this.backends = { imap: this.imap, pop3: new Pop3Incoming({ ...context, ...options.pop3, threads }) };
    // Conversations worked out after the sync went quiet: a list drawn before shows them apart.
    this.writer.onThreaded((folderIds) => {
      for (const folder of folderIds.map((id) => store.folder(id))) {
        if (folder) emit('messages.changed', { accountId: folder.accountId, folder: folder.path });
      }
    });
  }

  /** The account's backend: the same one until its settings change (disconnect) or it is removed. */
  private incoming(accountId: string): IncomingMail {
    let backend = this.chosen.get(accountId);
    if (!backend) {
      backend = this.backends[this.options.protocolOf?.(accountId) ?? 'imap'];
      this.chosen.set(accountId, backend);
    }
    return backend;
  }

  /** What the account can do (server folders, flags, search, push), as its backend knows it now. */
  capabilities(accountId: string): AccountCapabilities {
    return this.incoming(accountId).capabilities(accountId);
  }

  /**
   * Shows a change at once and carries it out: queued for an IMAP server (see MessageActions),
   * simply done for a POP3 account, whose folders are local (see LocalActions).
   */
  async perform(accountId: string, action: MessageAction): Promise<number> {
    this.lastUse.set(accountId, Date.now());
    return this.incoming(accountId).perform(accountId, action);
  }

  /**
   * Undo of a delete or a move (messages.undo): see MessageActions.undo and LocalActions.undo.
   * Answers the id of the reversal queued for the server, if there is one.
   */
  async undo(accountId: string, actionId: number): Promise<{ undone: true; actionId?: number }> {
    this.lastUse.set(accountId, Date.now());
    return this.incoming(accountId).undo(accountId, actionId);
  }

  /** The folder that delete moves messages to: the account's Trash, if it has one. */
  trashOf(accountId: string): string | null {
    return this.incoming(accountId).trashOf(accountId);
  }

  get store(): MessageStore {
    return this.options.store;
  }

  /** Starts the periodic resyncs and checks of every account that has been opened. */
  start(): void {
    for (const backend of Object.values(this.backends)) backend.start();
  }

  async stop(): Promise<void> {
    await this.everyBackend((backend) => backend.stop());
    await this.writer.close();
  }

  /** Closes the account's connections (its settings or password changed): the next use connects anew. */
  async disconnect(accountId: string): Promise<void> {
    // Its protocol may be another now; and queued actions may have connected it unasked.
    this.chosen.delete(accountId);
    await this.everyBackend((backend) => backend.disconnect(accountId));
  }

  /** Closes the account's connections and deletes its local copy (when the account is removed). */
  async forget(accountId: string): Promise<void> {
    this.chosen.delete(accountId);
    // Every backend: the account may have used another protocol before.
    await this.everyBackend((backend) => backend.forget(accountId));
    for (const folder of this.store.folders(accountId)) this.store.removeFolder(folder.id);
    await rm(this.accountBodies(accountId), { recursive: true, force: true });
  }

  /** The folder tree from the store; read from the server when the store has none yet, or when asked. */
  async folders(accountId: string, { refresh = false } = {}): Promise<FolderDto[]> {
    const backend = this.incoming(accountId);
    if (refresh || this.store.folders(accountId).length === 0) await backend.refreshFolders(accountId);
    else void backend.refreshFolders(accountId).catch(() => {});
    return folderDtos(this.store, accountId);
  }

  /** Creates, renames, deletes or (un)subscribes a folder on the server; the folder list follows. Says the folder's path now. */
  changeFolder(accountId: string, change: FolderChange): Promise<{ path: string }> {
    return this.incoming(accountId).changeFolder(accountId, change);
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

  /** A folder, ready to be listed from the store (see IncomingMail.ready). */
  private async readyFolder(accountId: string, path: string, options: { deeper: boolean; quiet?: boolean }): Promise<Folder> {
    this.lastUse.set(accountId, Date.now());
    return this.incoming(accountId).ready(accountId, path, options);
  }

  /**
   * Brings one folder up to date (a sync already running for it is joined, not repeated). For a
   * POP3 account: a check for new mail when it is the Inbox; its other folders are local only.
   */
  async syncFolder(accountId: string, path: string): Promise<FolderSyncResult> {
    return this.incoming(accountId).sync(accountId, path);
  }

  /** Asks the server for matches in a folder the store does not hold whole yet (see searchMail). */
  async searchServer(accountId: string, folder: Folder, query: string, limit: number): Promise<void> {
    await this.incoming(accountId).searchServer(accountId, folder, query, limit);
  }

  /** Keeps a message in the account's Sent or Drafts (on the server, or on this computer for POP3); says where. */
  keep(accountId: string, role: KeptRole, raw: () => Readable, options?: KeepOptions): Promise<{ folder: string; uid: number | null }> {
    return this.incoming(accountId).keep(accountId, role, raw, options);
  }

  /** Where the messages of that role's folder whose Message-ID holds `marker` are (a draft's copies). */
  keptCopies(accountId: string, role: KeptRole, marker: string): Promise<{ folder: string; uids: number[] } | undefined> {
    return this.incoming(accountId).keptCopies(accountId, role, marker);
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
    if (!stored.flags.seen) await this.perform(accountId, { kind: 'flags', folder: folder.path, uids: [uid], add: ['seen'], remove: [] });
    return { ...toSummary(stored), ...parsed, unread: false };
  }

  /**
   * Parses a message as opening it would, from its kept source only, and keeps nothing: no
   * body written, not marked read, nothing fetched. Readies the parser for the first open
   * (MailService.prepareFirstScreen). Answers whether there was a kept source to parse.
   */
  async parseKept(accountId: string, folder: Folder, uid: number): Promise<boolean> {
    const stored = this.store.message(folder.id, uid);
    const source = stored && this.localSource(accountId, folder, stored);
    if (!source) return false;
    await parseMessageForReader(source);
    return true;
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
   * message), else its file, fetched by the backend first when there is none.
   */
  private async keptMessage(accountId: string, path: string, uid: number): Promise<{ folder: Folder; stored: StoredMessage; source: string | Buffer }> {
    const backend = this.incoming(accountId);
    const folder = await folderAt(this.store, accountId, path, () => backend.refreshFolders(accountId));
    const stored = this.store.message(folder.id, uid);
    if (!stored) throw new AppError('NOT_FOUND', { message: 'That message is no longer in this folder.' });
    const local = this.localSource(accountId, folder, stored);
    if (local) return { folder, stored, source: local };
    const file = this.bodyFileOf(accountId, folder, uid);
    await backend.fetchBody(accountId, folder, uid, file);
    return { folder, stored, source: file };
  }

  /** The message's source as kept on this computer: its bytes in the store, else its file; undefined when neither is there. */
  private localSource(accountId: string, folder: Folder, stored: KeptMessage): string | Buffer | undefined {
    if (stored.sourceInStore) {
      const bytes = this.store.sourceOf(folder.id, stored.uid);
      if (bytes) return bytes;
    }
    const file = this.bodyFileOf(accountId, folder, stored.uid);
    return stored.bodyFile && existsSync(file) ? file : undefined;
  }

  private bodyFileOf(accountId: string, folder: Folder, uid: number): string {
    return join(this.accountBodies(accountId), String(folder.id), `${uid}.eml`);
  }

  /** Resolves once the folder's prefetch, if one is running, has finished (IMAP: POP3 downloads whole messages). */
  prefetched(accountId: string, path: string): Promise<void> {
    return this.imap.prefetched(accountId, path);
  }

  private async everyBackend(job: (backend: IncomingMail) => Promise<void>): Promise<void> {
    await Promise.all(Object.values(this.backends).map(job));
  }

  private accountBodies(accountId: string): string {
    return join(this.options.bodiesDir, accountId);
  }
}
