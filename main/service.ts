import { AccountService } from './accounts/account-service.js';
import type { SecretStore } from './accounts/secret-store.js';
import { AccountSettings, type KeyValueFile } from './accounts/settings-store.js';
import { trustCertificate } from './accounts/trust-certificate.js';
import { createDispatcher } from './contract/dispatch.js';
import { EventBus } from './contract/event-bus.js';
import { createInProcessClient } from './contract/in-process-client.js';
import type { HandlerTable } from './contract/handler-table.js';
import { join } from 'node:path';
import { appendSentCopy } from './imap/append-sent-copy.js';
import { MessageStore } from './store/message-store.js';
import { WorkerStoreWriter } from './store/store-writer.js';
import { MailSync, type MailSyncOptions } from './sync/mail-sync.js';
import { toSummary } from './sync/message-summary.js';
import { searchMail } from './sync/search-mail.js';
import { openThread, threadList } from './sync/threads.js';
import { ThreadIndex } from './store/threading.js';
import { createFolder } from './imap/create-folder.js';
import { deleteFolder } from './imap/delete-folder.js';
import { renameFolder } from './imap/rename-folder.js';
import { subscribeFolder, unsubscribeFolder } from './imap/subscribe-folder.js';
import { Outbox, type OutboxOptions } from './outbox/outbox.js';
import { PooledSmtpSender } from './smtp/pooled-sender.js';

export type ServiceOptions = {
  settingsFile: KeyValueFile;
  secrets: SecretStore;
  /** The outbox's folder inside the profile. */
  outboxDir: string;
  /** The folder of the local message store (mail.sqlite) and the kept message sources (bodies/). */
  storeDir: string;
  /** Overrides for the sync (tests turn off IDLE or server features, shorten the poll). */
  /**
   * The built store writer worker (out/main/store-writer.js): sync steps are then written on a
   * thread of their own. Without it they are written inline (tests).
   */
  storeWriterScript?: URL;
  sync?: Pick<MailSyncOptions, 'features' | 'idle' | 'pollIntervalMs' | 'staleAfterMs' | 'firstBatch' | 'batchSize' | 'actionRetry' | 'prefetchDays' | 'prefetchLimits' | 'syncAllFolders'>;
  /** Overrides for the outbox's timing (tests shorten the undo window and the retry delays). */
  outbox?: Pick<OutboxOptions, 'undoDelayMs' | 'retry' | 'fault'>;
};

/**
 * The composition root: builds the services and the one handler table that both transports
 * (Electron IPC and the loopback bridge) dispatch to.
 */
export function createMailService({ settingsFile, secrets, outboxDir, storeDir, storeWriterScript, outbox: outboxOptions, sync: syncOptions }: ServiceOptions) {
  const accountSettings = new AccountSettings(settingsFile);
  const accounts = new AccountService(accountSettings, secrets);
  const bus = new EventBus();
  const store = MessageStore.open(storeDir);
  const threads = new ThreadIndex(store.db);
  const mail = new MailSync({
    store,
    bodiesDir: join(storeDir, 'bodies'),
    credentials: (accountId) => accounts.credentials(accountId),
    emit: (event, payload) => bus.emit(event, payload),
    writer: storeWriterScript && new WorkerStoreWriter(storeDir, storeWriterScript),
    ...syncOptions,
  });
  const sender = new PooledSmtpSender();
  const outbox = new Outbox({
    dir: outboxDir,
    credentials: (accountId) => accounts.credentials(accountId),
    send: (account, password, submission) => sender.send(account, password, submission),
    preflight: (account, size) => sender.limits.checkMessageSize(account, size),
    // Through the account's session: filing a copy never opens a third connection.
    fileSentCopy: async (account, _password, raw) => (await mail.session(account.id)).session.run((client) => appendSentCopy(client, raw)),
    undoDelayMs: undoDelayFrom(settingsFile),
    ...outboxOptions,
    onChange: (change) => bus.emit('outbox.changed', change),
    onSent: (item) => bus.emit('mail.sent', { accountId: item.accountId, messageId: item.messageId, accepted: item.accepted ?? [] }),
  });

  const handlers: HandlerTable = {
    'accounts.list': async () => accounts.list(),

    'accounts.add': async (input) => {
      const account = await accounts.add(input);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return account;
    },

    'accounts.remove': async ({ accountId }) => {
      await mail.forget(accountId);
      const removed = await accounts.remove(accountId);
      if (removed) bus.emit('accounts.changed', { accounts: accounts.list() });
      return { removed };
    },

    'accounts.trustCertificate': async (input) => {
      const account = await trustCertificate(accountSettings, input);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return account;
    },

    'folders.list': async ({ accountId }) => mail.folders(accountId),

    'messages.list': async ({ accountId, folder, limit, before, threads: threaded }) => {
      const cursor = before && { internalDate: before.receivedAt, uid: before.uid };
      const messages = await mail.messages(accountId, folder, { limit, before: cursor });
      if (!threaded) return messages;
      return threadList(threads, store.folderByPath(accountId, folder)!.id, { limit, before: cursor });
    },

    'thread.open': async ({ accountId, threadId }) => openThread(store, threads, accountId, threadId),

    'folder.sync': async ({ accountId, folder }) => {
      const { added, removed, flagsChanged } = await mail.syncFolder(accountId, folder);
      return { added, removed, flagsChanged };
    },

    'message.open': async ({ accountId, folder, uid }) => mail.open(accountId, folder, uid),

    'folders.create': async ({ accountId, parent, name }) => mail.folderCommand(accountId, (client) => createFolder(client, parent, name)),

    'folders.rename': async ({ accountId, path, name }) => {
      const renamed = await mail.folderCommand(accountId, (client) => renameFolder(client, path, name), (result) => {
        const delimiter = store.folderByPath(accountId, path)?.delimiter ?? null;
        store.renameFolderPath(accountId, path, result.path, delimiter);
      });
      return renamed;
    },

    'folders.delete': async ({ accountId, path }) => {
      await mail.folderCommand(accountId, (client) => deleteFolder(client, path));
      return { deleted: true as const };
    },

    'folders.subscribe': async ({ accountId, path, subscribed }) => {
      await mail.folderCommand(accountId, (client) => (subscribed ? subscribeFolder(client, path) : unsubscribeFolder(client, path)));
      return { subscribed };
    },

    'messages.search': async (input) => searchMail(mail, toSummary, input),

    'messages.setFlags': async ({ accountId, folder, uids, add, remove }) => ({
      actionId: mail.perform(accountId, { kind: 'flags', folder, uids, add, remove }),
    }),

    'messages.move': async ({ accountId, folder, uids, to }) => ({ actionId: mail.perform(accountId, { kind: 'move', folder, uids, to }) }),

    'messages.copy': async ({ accountId, folder, uids, to }) => ({ actionId: mail.perform(accountId, { kind: 'copy', folder, uids, to }) }),

    'messages.delete': async ({ accountId, folder, uids }) => ({
      actionId: mail.perform(accountId, { kind: 'delete', folder, uids, trash: mail.actions.trashOf(accountId) }),
    }),

    'mail.send': async ({ sendAt, ...message }) => {
      // Checked now, not at send time: a message for an account without a password is refused at once.
      const { account } = await accounts.credentials(message.accountId);
      return outbox.enqueue(account, message, sendAt === undefined ? undefined : Date.parse(sendAt));
    },

    'outbox.list': async () => outbox.list(),

    'outbox.cancel': async ({ id }) => ({ draft: await outbox.cancel(id) }),

    'outbox.retry': async ({ id }) => outbox.retryNow(id),
  };

  const dispatch = createDispatcher(handlers);
  let stopping: Promise<void> | undefined;
  return {
    handlers,
    dispatch,
    bus,
    client: createInProcessClient(dispatch, bus),
    secretsKind: secrets.kind,
    outbox,
    mail,
    store,
    /** Resumes the outbox: whatever was queued when the app last stopped goes out now. */
    start: () => {
      outbox.start();
      mail.start();
    },
    /** Idempotent: a second call waits for the first. */
    stop: () =>
      (stopping ??= (async () => {
        await outbox.stop();
        await mail.stop();
        sender.close();
        store.close();
      })()),
  };
}

/** The undo-send window, in seconds, from the settings file (default 5). */
function undoDelayFrom(settingsFile: KeyValueFile): number | undefined {
  const seconds = settingsFile.get('undoSendSeconds');
  return typeof seconds === 'number' && seconds >= 0 && seconds <= 60 ? seconds * 1000 : undefined;
}

export type MailService = ReturnType<typeof createMailService>;
