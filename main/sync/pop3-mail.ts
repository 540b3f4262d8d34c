import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors.js';
import type { FolderRole } from '../../shared/schemas.js';
import { writeFileDurably } from '../outbox/durable-file.js';
import { checkPop3, ensurePop3Folders, messageInput, type CheckPop3Summary } from '../pop3/download-loop.js';
import { pop3CredentialsOf, pop3PolicyOf, pop3SettingsOf } from '../pop3/pop3-account.js';
import type { Pop3ClientOptions } from '../pop3/pop3-client.js';
import { LocalMessages } from '../store/local-messages.js';
import { Pop3Uids } from '../store/pop3-uids.js';
import type { ThreadIndex } from '../store/threading.js';
import { log } from '../log.js';
import type { IncomingContext } from './incoming/incoming-mail.js';

export type Pop3MailOptions = Omit<IncomingContext, 'staleAfterMs'> & {
  threads: ThreadIndex;
  /** How often every POP3 account that has been opened is checked (default 10 min). */
  checkIntervalMs?: number;
  clientOptions?: Pop3ClientOptions;
};

/**
 * The POP3 accounts' side of the mail sync: their local folders, their checks for new mail
 * (on demand and on a schedule, with sync.progressed events as for an IMAP folder), and filing
 * a message in a local folder (the Sent copy). The download itself is download-loop.ts.
 */
export class Pop3Mail {
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly options: Pop3MailOptions) {}

  /** Starts the scheduled checks of every POP3 account that has been opened. */
  start(): void {
    const every = this.options.checkIntervalMs ?? 10 * 60_000;
    this.timer = setInterval(() => {
      for (const accountId of this.known) void this.check(accountId).catch(() => {});
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** The account's local folders (made on first use); from now on it is checked on the schedule. */
  ensureFolders(accountId: string): void {
    ensurePop3Folders(this.options.store, accountId);
    this.known.add(accountId);
  }

  /**
   * Downloads what is new (a check already running for the account is joined). Says how far it
   * got with sync.progressed on the Inbox, and what came with messages.changed and mail.arrived;
   * a failure with sync.failed, and rejects.
   */
  check(accountId: string): Promise<CheckPop3Summary> {
    if (this.stopped) return Promise.reject(new AppError('CONNECTION_LOST', { message: 'The app is closing.' }));
    this.ensureFolders(accountId);
    const { emit } = this.options;
    const run = (async () => {
      const { account, password } = await this.options.credentials(accountId);
      const summary = await checkPop3({
        store: this.options.store,
        accountId,
        settings: pop3SettingsOf(account),
        credentials: pop3CredentialsOf(account, password),
        bodiesDir: this.options.bodiesDir,
        policy: pop3PolicyOf(account),
        clientOptions: this.options.clientOptions,
        onProgress: ({ done, total }) => {
          emit('sync.progressed', { accountId, folder: 'INBOX', done, total });
          // Each batch is in the store as it is reported: the list may show it at once.
          if (done > 0) emit('messages.changed', { accountId, folder: 'INBOX' });
        },
        onStored: (folderId, uid) => this.options.threads.assignUids(folderId, [uid]),
      });
      if (summary.downloaded > 0) {
        emit('messages.changed', { accountId, folder: 'INBOX' });
        emit('folders.changed', { accountId });
        emit('mail.arrived', { accountId, folder: 'INBOX', count: summary.downloaded });
      }
      return summary;
    })();
    this.running.add(run);
    void run
      .catch((error: unknown) => {
        const appError = error instanceof AppError ? error : new AppError('INTERNAL', { cause: error });
        log.warn('a POP3 check failed', { code: appError.code });
        emit('sync.failed', { accountId, folder: 'INBOX', error: appError.toDto() });
        // Whatever was stored before the failure is in: the list shows it.
        emit('messages.changed', { accountId, folder: 'INBOX' });
      })
      .finally(() => this.running.delete(run));
    return run;
  }

  /**
   * Keeps a message in the account's local folder of that role (the Sent copy of a message
   * sent from a POP3 account, a saved draft): written durably to its file, then stored with it.
   * Says where it went.
   */
  async file(accountId: string, role: FolderRole, raw: () => Readable, { seen = true, draft = false } = {}): Promise<{ folder: string; uid: number }> {
    this.ensureFolders(accountId);
    const { store, bodiesDir } = this.options;
    const folder = store.folders(accountId).find((f) => f.role === role);
    if (!folder) throw new AppError('NOT_FOUND', { message: `This account has no local ${role} folder.` });
    const local = new LocalMessages(store);
    const uid = local.nextUid(folder.id);
    const dir = join(bodiesDir, accountId, String(folder.id));
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${uid}.eml`);
    const size = await writeFileDurably(file, raw());
    const message = await messageInput(file, uid, size, Date.now());
    local.insert(folder.id, [{ message: { ...message, flags: { ...message.flags, seen, draft: draft || message.flags.draft } }, bodyFile: relative(bodiesDir, file) }]);
    this.options.threads.assignUids(folder.id, [uid]);
    this.options.emit('messages.changed', { accountId, folder: folder.path });
    this.options.emit('folders.changed', { accountId });
    return { folder: folder.path, uid };
  }

  /** The account is being removed: no more checks, and its records go with it. */
  forget(accountId: string): void {
    this.known.delete(accountId);
    new Pop3Uids(this.options.store).forgetAccount(accountId);
  }
}
