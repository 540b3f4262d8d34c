import type { Readable } from 'node:stream';
import { AppError } from '../../../shared/errors.js';
import type { AccountCapabilities } from '../../../shared/schemas.js';
import type { FolderSyncResult } from '../../imap/sync-folder.js';
import type { Folder } from '../../store/message-store.js';
import type { ThreadIndex } from '../../store/threading.js';
import { LocalActions } from '../local-actions.js';
import type { MessageAction } from '../message-actions.js';
import { Pop3Mail, type Pop3MailOptions } from '../pop3-mail.js';
import type { IncomingContext, IncomingMail, KeepOptions, KeptRole, ReadyOptions } from './incoming-mail.js';

/** POP3 knows one mailbox and nothing else: its folders, flags and search are local, and there is no push. */
const POP3_CAPABILITIES: AccountCapabilities = { serverFolders: false, serverFlags: false, serverSearch: false, push: false };

export type Pop3IncomingOptions = IncomingContext &
  Pick<Pop3MailOptions, 'checkIntervalMs' | 'clientOptions'> & {
    threads: ThreadIndex;
  };

/**
 * POP3 accounts: the server is a drop box the Inbox is filled from (see Pop3Mail); the folders
 * (Inbox, Sent, Drafts, Trash) live on this computer, and so does everything done to messages
 * (see LocalActions).
 */
export class Pop3Incoming implements IncomingMail {
  private readonly mail: Pop3Mail;
  private readonly local: LocalActions;
  /** When each account's Inbox was last checked in this run. */
  private readonly checked = new Map<string, number>();

  constructor(private readonly options: Pop3IncomingOptions) {
    this.mail = new Pop3Mail(options);
    this.local = new LocalActions(options);
  }

  capabilities(): AccountCapabilities {
    return POP3_CAPABILITIES;
  }

  start(): void {
    this.mail.start();
  }

  async stop(): Promise<void> {
    await this.mail.stop();
  }

  /** Nothing to close: every check opens and ends its own connection. */
  async disconnect(): Promise<void> {}

  async forget(accountId: string): Promise<void> {
    this.checked.delete(accountId);
    this.mail.forget(accountId);
  }

  /** The folders are the four local ones, made on first use. */
  async refreshFolders(accountId: string): Promise<void> {
    this.mail.ensureFolders(accountId);
  }

  async changeFolder(): Promise<never> {
    throw new AppError('INVALID_ARGUMENT', { message: 'A POP3 account has a fixed set of local folders: Inbox, Sent, Drafts and Trash.' });
  }

  /**
   * A folder in the store. The Inbox is checked in the background when it was not checked in
   * this run yet or the last check is older than staleAfterMs; the list shows what is in now,
   * and messages.changed says when more came.
   */
  async ready(accountId: string, path: string, { deeper }: ReadyOptions): Promise<Folder> {
    this.mail.ensureFolders(accountId);
    const folder = this.options.store.folderByPath(accountId, path);
    if (!folder) throw new AppError('NOT_FOUND', { message: 'That folder does not exist.' });
    const last = this.checked.get(accountId);
    if (path === 'INBOX' && !deeper && (last === undefined || Date.now() - last > this.options.staleAfterMs)) {
      this.checked.set(accountId, Date.now());
      void this.mail.check(accountId).catch(() => {});
    }
    return folder;
  }

  /** A check for new mail when it is the Inbox; the other folders are local only. */
  async sync(accountId: string, path: string): Promise<FolderSyncResult> {
    if (path !== 'INBOX') return { added: 0, removed: 0, flagsChanged: 0, arrived: 0, reset: false };
    const { downloaded } = await this.mail.check(accountId);
    this.checked.set(accountId, Date.now());
    return { added: downloaded, removed: 0, flagsChanged: 0, arrived: downloaded, reset: false };
  }

  async searchServer(): Promise<never> {
    throw new AppError('INVALID_ARGUMENT', { message: 'A POP3 server cannot be searched: search looks through the folders on this computer.' });
  }

  /** Every message here was downloaded whole: a missing file cannot be fetched again. */
  async fetchBody(): Promise<never> {
    throw new AppError('NOT_FOUND', { message: 'The local copy of this message is missing.' });
  }

  /** Done in the store alone, at once (see LocalActions). */
  perform(accountId: string, action: MessageAction): Promise<number> {
    return this.local.perform(accountId, action);
  }

  async undo(accountId: string, actionId: number): Promise<{ undone: true }> {
    await this.local.undo(accountId, actionId);
    return { undone: true };
  }

  trashOf(accountId: string): string | null {
    this.mail.ensureFolders(accountId);
    return this.options.store.folders(accountId).find((f) => f.role === 'trash')?.path ?? null;
  }

  keep(accountId: string, role: KeptRole, raw: () => Readable, { seen = true, draft = false }: KeepOptions = {}): Promise<{ folder: string; uid: number }> {
    return this.mail.file(accountId, role, raw, { seen, draft });
  }

  async keptCopies(accountId: string, role: KeptRole, marker: string): Promise<{ folder: string; uids: number[] } | undefined> {
    const { store } = this.options;
    const folder = store.folders(accountId).find((f) => f.role === role);
    if (!folder) return undefined;
    const uids = store.db
      .prepare('SELECT uid FROM messages WHERE folder_id = ? AND instr(message_id, ?) > 0 ORDER BY uid')
      .pluck()
      .all(folder.id, marker) as number[];
    return { folder: folder.path, uids };
  }
}
