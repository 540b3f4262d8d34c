import type { Readable } from 'node:stream';
import type { EventName, EventPayload } from '../../../shared/contract.js';
import type { Account, AccountCapabilities } from '../../../shared/schemas.js';
import type { FolderSyncResult } from '../../imap/sync-folder.js';
import type { Folder, MessageStore } from '../../store/message-store.js';
import type { MessageAction } from '../message-actions.js';

/** What every backend works with: the store, where sources are kept, the password, the events. */
export type IncomingContext = {
  store: MessageStore;
  /** Where kept message sources live: <bodiesDir>/<account>/<folder id>/<uid>.eml */
  bodiesDir: string;
  credentials: (accountId: string) => Promise<{ account: Account; password: string }>;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** A list read from the store starts a background resync when the last one is older than this. */
  staleAfterMs: number;
};

/** A change to an account's folder tree on its server (folders.create, rename, delete, subscribe). */
export type FolderChange =
  | { kind: 'create'; parent: string | null; name: string }
  | { kind: 'rename'; path: string; name: string }
  | { kind: 'delete'; path: string }
  | { kind: 'subscribe'; path: string; subscribed: boolean };

/** The folders a copy of one's own mail is kept in. */
export type KeptRole = 'sent' | 'drafts';

export type KeepOptions = {
  /** Marked read (default true). */
  seen?: boolean;
  /** Marked as a draft. */
  draft?: boolean;
  /** Its Message-ID: where the server does not say the copy's UID, it is found by this. */
  messageId?: string;
};

export type ReadyOptions = {
  /** A further page is wanted: no background resync. */
  deeper: boolean;
  /** A failed first sync does not throw (sync.failed tells it; the store has what it has). */
  quiet?: boolean;
};

/**
 * What the app asks of an account's incoming server, whatever its protocol: IMAP and POP3 each
 * implement it once (imap-incoming.ts, pop3-incoming.ts), and MailSync picks one per account.
 * Reads go to the local store; these are the jobs that reach past it. A backend that cannot do
 * something says so in capabilities() and, if asked anyway, refuses with INVALID_ARGUMENT and a
 * reason a person can act on (POP3 has one mailbox, no server folders, flags or search).
 */
export interface IncomingMail {
  /** What the account can do through this backend, as far as is known now. */
  capabilities(accountId: string): AccountCapabilities;

  /** Starts the schedules (resyncs, checks, the queue of server actions). */
  start(): void;
  /** Stops them and lets what is running finish or fail; closes every connection. */
  stop(): Promise<void>;
  /** Closes the account's connections (its settings changed): the next use connects anew. */
  disconnect(accountId: string): Promise<void>;
  /** Drops all the backend holds for the account (it is being removed), connections first. */
  forget(accountId: string): Promise<void>;

  // -- folders
  /** Brings the store's folder list in step with the server; folders.changed says if it changed. */
  refreshFolders(accountId: string): Promise<void>;
  /**
   * Creates, renames, deletes or (un)subscribes a folder on the server; the store follows. Says
   * the folder's path now (a deleted one's last).
   */
  changeFolder(accountId: string, change: FolderChange): Promise<{ path: string }>;

  // -- sync
  /**
   * The folder, ready to be listed from the store: its first read waits for its newest messages;
   * later ones answer at once while a resync runs in the background if the last one is stale.
   */
  ready(accountId: string, path: string, options: ReadyOptions): Promise<Folder>;
  /** Brings one folder up to date now (a sync already running for it is joined). */
  sync(accountId: string, path: string): Promise<FolderSyncResult>;
  /** Asks the server for matches the store does not hold yet, and stores what it finds. */
  searchServer(accountId: string, folder: Folder, query: string, limit: number): Promise<void>;

  // -- bodies
  /** Downloads a message's source to `file` (NOT_FOUND when there is none to be had). */
  fetchBody(accountId: string, folder: Folder, uid: number, file: string): Promise<void>;

  // -- flags, moves, copies, deletes
  /** Shows the change at once and carries it out (queued for the server where there is one). */
  perform(accountId: string, action: MessageAction): Promise<number>;
  /** Undoes a move or a delete; answers the id of the reversal queued for the server, if any. */
  undo(accountId: string, actionId: number): Promise<{ undone: true; actionId?: number }>;
  /** The folder that delete moves messages to: the account's Trash, if it has one. */
  trashOf(accountId: string): string | null;

  // -- one's own copies
  /** Keeps a message in the account's folder of that role (a Sent copy, a draft); says where. */
  keep(accountId: string, role: KeptRole, raw: () => Readable, options?: KeepOptions): Promise<{ folder: string; uid: number | null }>;
  /** The UIDs in that role's folder of the messages whose Message-ID holds `marker`, oldest first. */
  keptCopies(accountId: string, role: KeptRole, marker: string): Promise<{ folder: string; uids: number[] } | undefined>;
}
