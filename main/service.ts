import { AccountService } from './accounts/account-service.js';
import type { SecretStore } from './accounts/secret-store.js';
import { AccountSettings, type KeyValueFile } from './accounts/settings-store.js';
import { trustCertificate } from './accounts/trust-certificate.js';
import { createDispatcher } from './contract/dispatch.js';
import { EventBus } from './contract/event-bus.js';
import { createInProcessClient } from './contract/in-process-client.js';
import type { HandlerTable } from './contract/handler-table.js';
import { withImap } from './imap/connect.js';
import { listFolders } from './imap/list-folders.js';
import { listMessages } from './imap/list-messages.js';
import { InboxWatcher } from './imap/watch-inbox.js';
import type { Account } from '../shared/schemas.js';
import { openMessage } from './imap/open-message.js';
import { appendSentCopy } from './imap/append-sent-copy.js';
import { Outbox, type OutboxOptions } from './outbox/outbox.js';
import { PooledSmtpSender } from './smtp/pooled-sender.js';

export type ServiceOptions = {
  settingsFile: KeyValueFile;
  secrets: SecretStore;
  /** The outbox's folder inside the profile. */
  outboxDir: string;
  /** Overrides for the outbox's timing (tests shorten the undo window and the retry delays). */
  outbox?: Pick<OutboxOptions, 'undoDelayMs' | 'retry' | 'fault'>;
};

/**
 * The composition root: builds the services and the one handler table that both transports
 * (Electron IPC and the loopback bridge) dispatch to.
 */
export function createMailService({ settingsFile, secrets, outboxDir, outbox: outboxOptions }: ServiceOptions) {
  const accountSettings = new AccountSettings(settingsFile);
  const accounts = new AccountService(accountSettings, secrets);
  const bus = new EventBus();
  const sender = new PooledSmtpSender();
  const outbox = new Outbox({
    dir: outboxDir,
    credentials: (accountId) => accounts.credentials(accountId),
    send: (account, password, submission) => sender.send(account, password, submission),
    preflight: (account, size) => sender.limits.checkMessageSize(account, size),
    fileSentCopy: (account, password, raw) => withImap(account, password, (client) => appendSentCopy(client, raw)),
    undoDelayMs: undoDelayFrom(settingsFile),
    ...outboxOptions,
    onChange: (change) => bus.emit('outbox.changed', change),
    onSent: (item) => bus.emit('mail.sent', { accountId: item.accountId, messageId: item.messageId, accepted: item.accepted ?? [] }),
  });

  /** One IDLE watcher per account, started once its Inbox was read, restarted if its settings change. */
  const watchers = new Map<string, { key: string; watcher: InboxWatcher }>();
  function watchInbox(account: Account, password: string): void {
    const key = JSON.stringify([account.imap, account.email, password]);
    if (watchers.get(account.id)?.key === key) return;
    stopWatching(account.id);
    const watcher = new InboxWatcher(account, password, (count) =>
      bus.emit('mail.arrived', { accountId: account.id, folder: 'INBOX', count }),
    );
    watchers.set(account.id, { key, watcher });
    void watcher.start();
  }

  function stopWatching(accountId: string): void {
    watchers.get(accountId)?.watcher.stop();
    watchers.delete(accountId);
  }

  const handlers: HandlerTable = {
    'accounts.list': async () => accounts.list(),

    'accounts.add': async (input) => {
      const account = await accounts.add(input);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return account;
    },

    'accounts.remove': async ({ accountId }) => {
      stopWatching(accountId);
      const removed = await accounts.remove(accountId);
      if (removed) bus.emit('accounts.changed', { accounts: accounts.list() });
      return { removed };
    },

    'accounts.trustCertificate': async (input) => {
      const account = await trustCertificate(accountSettings, input);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return account;
    },

    'folders.list': async ({ accountId }) => {
      const { account, password } = await accounts.credentials(accountId);
      return withImap(account, password, (client) => listFolders(client));
    },

    'messages.list': async ({ accountId, folder, limit }) => {
      const { account, password } = await accounts.credentials(accountId);
      const messages = await withImap(account, password, (client) => listMessages(client, folder, limit));
      // The Inbox has been read once with these settings: from now on, new mail is pushed.
      if (folder === 'INBOX') watchInbox(account, password);
      return messages;
    },

    'message.open': async ({ accountId, folder, uid }) => {
      const { account, password } = await accounts.credentials(accountId);
      return withImap(account, password, (client) => openMessage(client, folder, uid));
    },

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
  return {
    handlers,
    dispatch,
    bus,
    client: createInProcessClient(dispatch, bus),
    secretsKind: secrets.kind,
    outbox,
    /** Resumes the outbox: whatever was queued when the app last stopped goes out now. */
    start: () => outbox.start(),
    stop: async () => {
      for (const accountId of [...watchers.keys()]) stopWatching(accountId);
      await outbox.stop();
      sender.close();
    },
  };
}

/** The undo-send window, in seconds, from the settings file (default 5). */
function undoDelayFrom(settingsFile: KeyValueFile): number | undefined {
  const seconds = settingsFile.get('undoSendSeconds');
  return typeof seconds === 'number' && seconds >= 0 && seconds <= 60 ? seconds * 1000 : undefined;
}

export type MailService = ReturnType<typeof createMailService>;
