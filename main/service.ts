import { incomingOf } from '../shared/schemas.js';
import { AccountService } from './accounts/account-service.js';
import { OAuthTokens } from './accounts/oauth/oauth-tokens.js';
import { oauthOptionsFromEnv, type OAuthOptions } from './accounts/oauth/oauth-config.js';
import type { SecretStore } from './accounts/secret-store.js';
import { AccountSettings, type KeyValueFile } from './accounts/settings-store.js';
import type { SettingsProblem } from './accounts/settings-file-check.js';
import { secretStorageNotice } from './accounts/open-secret-store.js';
import { Identities } from './accounts/identities.js';
import { sendAs } from './accounts/send-as.js';
import { checkDomain } from './accounts/domain/check-domain.js';
import { RemoteContentSenders } from './accounts/remote-content-senders.js';
import { isOpenableUrl, requests, type ComposeRequest, type EventPayload } from '../shared/contract.js';
import { AppError } from '../shared/errors.js';
import { PAGE_SIZE } from '../shared/list-pages.js';
import { trustCertificate } from './accounts/trust-certificate.js';
import { discoverAccount, verifyAccount } from './accounts/autoconfig/discover-account.js';
import { discoveryOptionsFromEnv, type DiscoveryOptions } from './accounts/autoconfig/discovery-options.js';
import { createDispatcher } from './contract/dispatch.js';
import { EventBus } from './contract/event-bus.js';
import { createInProcessClient } from './contract/in-process-client.js';
import type { HandlerTable } from './contract/handler-table.js';
import { join } from 'node:path';
import { pop3CredentialsOf, pop3SettingsOf } from './pop3/pop3-account.js';
import { verifyPop3 } from './pop3/verify-pop3.js';
import { MessageStore } from './store/message-store.js';
import { WorkerStoreWriter } from './store/store-writer.js';
import { MailSync, type MailSyncOptions } from './sync/mail-sync.js';
import { toSummary } from './sync/message-summary.js';
import { folderDtos } from './sync/store-folders.js';
import { searchEveryAccount, searchMail } from './sync/search-mail.js';
import { openThread, threadList } from './sync/threads.js';
import { ThreadIndex } from './store/threading.js';
import { Outbox, type OutboxOptions } from './outbox/outbox.js';
import { PooledSmtpSender } from './smtp/pooled-sender.js';
import { smtpError } from './smtp/smtp-errors.js';
import { AddressBook } from './store/address-book.js';
import { Drafts } from './drafts/drafts.js';
import { Attachments, type AttachmentShell } from './attachments/attachments.js';
import { MessageParts } from './attachments/message-parts.js';
import type { KeptSources } from './mime/forwarded-attachments.js';
import { prepareComposed } from './mime/prepare-composed.js';

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
  sync?: Pick<
    MailSyncOptions,
    'features' | 'idle' | 'pollIntervalMs' | 'inboxPollMs' | 'staleAfterMs' | 'firstBatch' | 'batchSize' | 'actionRetry' | 'prefetchDays' | 'prefetchLimits' | 'syncAllFolders' | 'pop3'
  >;
  /** Overrides for the outbox's timing (tests shorten the undo window and the retry delays). */
  outbox?: Pick<OutboxOptions, 'undoDelayMs' | 'retry' | 'fault'>;
  /**
   * Opens a link from a message outside the app (the Electron shell passes shell.openExternal);
   * links.open checks the URL first. Without it (web mode) links.open answers opened: false.
   */
  openExternal?: (url: string) => Promise<void>;
  /**
   * Opens a provider's sign-in page (OAuth) in the system browser; absent, openExternal. Web
   * mode has no openExternal (its links open in the page) but does open sign-in pages.
   */
  openSignInPage?: (url: string) => Promise<void>;
  /**
   * The compose requests (mailto: links) that reached the Electron shell before the renderer was
   * listening, taken once by compose.takeRequested. Without it (web mode) there are none.
   */
  takeComposeRequests?: () => ComposeRequest[];
  /** Account discovery's settings; absent, they come from MAIL_ISPDB_URL and MAIL_DNS_SERVERS (tests pass their own). */
  discovery?: DiscoveryOptions;
  /** The settings file was corrupt and put aside at start (checkSettingsFile): app.status tells the renderer. */
  settingsProblem?: SettingsProblem;
  /**
   * OAuth providers and client IDs (tests pass their own); absent, from MAIL_OAUTH_PROVIDERS or
   * else `oauthProvidersFile` (the profile's oauth-providers.json), read at first use.
   */
  oauth?: OAuthOptions;
  oauthProvidersFile?: string;
  /**
   * The save dialog and the system's opener for attachments.save and attachments.open (the
   * Electron shell's, main/electron/attachment-shell.ts). Without it (web mode) both answer
   * 'download' and the browser downloads the part over the bridge.
   */
  attachmentShell?: AttachmentShell;
  /** Where opened attachments get their private folder (default: the system's temporary folder). */
  attachmentTempDir?: string;
  /** Which shell shows the app (app.status): the Electron shell notifies of new mail itself. Default web. */
  shell?: 'electron' | 'web';
};

/**
 * The composition root: builds the services and the one handler table that both transports
 * (Electron IPC and the loopback bridge) dispatch to.
 */
export function createMailService({ settingsFile, secrets, outboxDir, storeDir, storeWriterScript, outbox: outboxOptions, sync: syncOptions, openExternal, openSignInPage, takeComposeRequests, discovery, settingsProblem, oauth, oauthProvidersFile, attachmentShell, attachmentTempDir, shell = 'web' }: ServiceOptions) {
  const accountSettings = new AccountSettings(settingsFile);
  const remoteContent = new RemoteContentSenders(settingsFile);
  let oauthConfig: OAuthOptions | undefined = oauth;
  const oauthOptions = () => (oauthConfig ??= oauthOptionsFromEnv(oauthProvidersFile));
  const oauthTokens = new OAuthTokens(secrets, {
    providers: () => oauthOptions().providers,
    openExternal: openSignInPage ?? openExternal,
    refreshMarginMs: oauth?.refreshMarginMs,
    signInTimeoutMs: oauth?.signInTimeoutMs,
  });
  const accounts = new AccountService(accountSettings, secrets, oauthTokens);
  const identities = new Identities(accountSettings);
  const bus = new EventBus();
  const store = MessageStore.open(storeDir);
  const threads = new ThreadIndex(store.db);
  const mail = new MailSync({
    store,
    protocolOf: (accountId) => incomingOf(accountSettings.get(accountId) ?? {}),
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
    // An OAuth account's token refused by the server is refreshed and tried once more.
    send: (account, password, submission) =>
      oauthTokens.withAccessToken(account, password, (secret) => sender.send(account, secret, submission), (error) => smtpError(error, account.smtp.host, account.smtp.port)),
    preflight: (account, size) => sender.limits.checkMessageSize(account, size),
    // In the account's Sent: on its server (through its session: never a third connection), or local for POP3.
    fileSentCopy: async (account, _password, raw) => void (await mail.keep(account.id, 'sent', raw)),
    undoDelayMs: undoDelayFrom(settingsFile),
    ...outboxOptions,
    onChange: (change) => bus.emit('outbox.changed', change),
    onSent: (item) => bus.emit('mail.sent', { accountId: item.accountId, messageId: item.messageId, accepted: item.accepted ?? [] }),
  });

  // The parts of opened messages, by key (inline images, downloads) and for save and open.
  const parts = new MessageParts((ref) => mail.keptSource(ref.accountId, ref.folder, ref.uid));
  const attachments = new Attachments(parts, attachmentShell, attachmentTempDir === undefined ? undefined : () => attachmentTempDir);

  const addressBook = new AddressBook(store.db);
  const keptSources: KeptSources = (accountId, folder, uid) => mail.keptSource(accountId, folder, uid);
  const drafts = new Drafts({
    mail,
    sources: keptSources,
    account: (accountId) => {
      const account = accountSettings.get(accountId);
      if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
      return account;
    },
    identity: (accountId, identityId) => identities.find(accountId, identityId),
  });

  const handlers: HandlerTable = {
    'accounts.list': async () => accounts.list(),

    'accounts.add': async (input) => {
      // A POP3 account is checked before it is kept: its first check would otherwise be the
      // first to say the password is wrong, or that the server cannot leave mail on it.
      if (input.pop3 && input.password !== undefined) {
        await verifyPop3(pop3SettingsOf(input), pop3CredentialsOf(input, input.password), input.pop3, syncOptions?.pop3?.clientOptions);
      }
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

    'accounts.update': async ({ accountId, changes }) => {
      const account = accounts.update(accountId, changes);
      // Its connections were made with the old settings.
      await mail.disconnect(accountId);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return account;
    },

    'accounts.signIn': async ({ accountId }) => {
      await accounts.signIn(accountId);
      await mail.disconnect(accountId);
      return { signedIn: true as const };
    },

    'accounts.setPassword': async ({ accountId, password }) => {
      await accounts.setPassword(accountId, password);
      await mail.disconnect(accountId);
      return { saved: true as const };
    },

    'accounts.checkDomain': async ({ accountId, identityId }) => {
      const account = accountSettings.get(accountId);
      if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
      const { dnsServers } = discovery ?? discoveryOptionsFromEnv();
      return checkDomain(identities.find(accountId, identityId).email, account.smtp.host, { dnsServers });
    },

    'identities.list': async ({ accountId }) => identities.list(accountId),

    'identities.add': async ({ accountId, identity }) => {
      const added = identities.add(accountId, identity);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return added;
    },

    'identities.update': async ({ accountId, identityId, identity }) => {
      const updated = identities.update(accountId, identityId, identity);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return updated;
    },

    'identities.remove': async ({ accountId, identityId }) => {
      const removed = identities.remove(accountId, identityId);
      if (removed) bus.emit('accounts.changed', { accounts: accounts.list() });
      return { removed };
    },

    'app.status': async () => {
      const notice = secretStorageNotice(secrets.kind);
      return {
        secretStorage: { kind: secrets.kind, ...(notice ? { notice } : {}) },
        ...(settingsProblem ? { settingsProblem } : {}),
        shell,
      };
    },

    // Read per request, so a bad MAIL_DNS_SERVERS is a typed error here, not a failed start.
    'accounts.discover': async (input) => discoverAccount(input, discovery ?? discoveryOptionsFromEnv()),

    'accounts.verify': async (input) => verifyAccount(input, discovery ?? discoveryOptionsFromEnv()),

    'accounts.trustCertificate': async (input) => {
      const account = await trustCertificate(accountSettings, input);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return account;
    },

    'accounts.capabilities': async ({ accountId }) => {
      if (!accountSettings.get(accountId)) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
      return mail.capabilities(accountId);
    },

    'folders.list': async ({ accountId }) => mail.folders(accountId),

    'messages.list': async ({ accountId, folder, limit, before, threads: threaded, sort }) => {
      const cursor = before && { internalDate: before.receivedAt, uid: before.uid, key: before.key };
      const messages = await mail.messages(accountId, folder, { limit, before: cursor, sort });
      if (!threaded) return messages;
      return threadList(threads, store.folderByPath(accountId, folder)!.id, { limit, before: cursor });
    },

    'messages.listInboxes': async ({ limit, before }) => mail.inboxes(accounts.list().map((a) => a.id), { limit, before }),

    'thread.open': async ({ accountId, threadId }) => openThread(store, threads, accountId, threadId),

    'folder.sync': async ({ accountId, folder }) => {
      const { added, removed, flagsChanged } = await mail.syncFolder(accountId, folder);
      return { added, removed, flagsChanged };
    },

    'message.open': async ({ accountId, folder, uid }) => {
      const message = await mail.open(accountId, folder, uid);
      return { ...message, remoteContentAllowed: remoteContent.allows(message.from?.address), partsKey: parts.keyFor({ accountId, folder, uid }) };
    },

    'attachments.save': async ({ accountId, folder, uid, part }) => attachments.save({ accountId, folder, uid }, part),

    'attachments.open': async ({ accountId, folder, uid, part }) => attachments.open({ accountId, folder, uid }, part),

    'message.source': async ({ accountId, folder, uid }) => mail.source(accountId, folder, uid),

    'senders.allowRemoteContent': async ({ address }) => {
      remoteContent.allow(address);
      return { allowed: true as const };
    },

    // The contract refused anything but http, https and mailto already; checked again here, at the door out.
    'links.open': async ({ url }) => {
      if (!isOpenableUrl(url)) throw new AppError('INVALID_ARGUMENT', { message: 'Only http, https and mailto links can be opened.' });
      if (!openExternal) return { opened: false };
      await openExternal(new URL(url).href);
      return { opened: true };
    },

    'compose.takeRequested': async () => ({ requests: takeComposeRequests?.() ?? [] }),

    'folders.create': async ({ accountId, parent, name }) => mail.changeFolder(accountId, { kind: 'create', parent, name }),

    'folders.rename': async ({ accountId, path, name }) => mail.changeFolder(accountId, { kind: 'rename', path, name }),

    'folders.delete': async ({ accountId, path }) => {
      await mail.changeFolder(accountId, { kind: 'delete', path });
      return { deleted: true as const };
    },

    'folders.subscribe': async ({ accountId, path, subscribed }) => {
      await mail.changeFolder(accountId, { kind: 'subscribe', path, subscribed });
      return { subscribed };
    },

    'messages.search': async (input) => searchMail(mail, toSummary, input),

    'messages.searchAll': async ({ query, limit }) => searchEveryAccount(mail, toSummary, accounts.list().map((a) => a.id), { query, limit }),

    'messages.setFlags': async ({ accountId, folder, uids, add, remove }) => ({
      actionId: await mail.perform(accountId, { kind: 'flags', folder, uids, add, remove }),
    }),

    'messages.move': async ({ accountId, folder, uids, to }) => ({ actionId: await mail.perform(accountId, { kind: 'move', folder, uids, to }) }),

    'messages.copy': async ({ accountId, folder, uids, to }) => ({ actionId: await mail.perform(accountId, { kind: 'copy', folder, uids, to }) }),

    'messages.delete': async ({ accountId, folder, uids }) => ({
      actionId: await mail.perform(accountId, { kind: 'delete', folder, uids, trash: mail.trashOf(accountId) }),
    }),

    'messages.undo': async ({ accountId, actionId }) => mail.undo(accountId, actionId),

    'mail.send': async ({ sendAt, identityId, forwarded, ...message }) => {
      // Checked now, not at send time: a message for an account without a password is refused at once.
      const { account } = await accounts.credentials(message.accountId);
      // The HTML sanitized, a forward's attachments read from the original (main/mime/prepare-composed.ts).
      const prepared = await prepareComposed(message, forwarded, keptSources);
      const outgoing = sendAs(identities.find(account.id, identityId), prepared);
      return outbox.enqueue(account, outgoing, sendAt === undefined ? undefined : Date.parse(sendAt));
    },

    'outbox.list': async () => outbox.list(),

    'outbox.cancel': async ({ id }) => ({ draft: await outbox.cancel(id) }),

    'outbox.retry': async ({ id }) => outbox.retryNow(id),

    'addresses.suggest': async ({ query, limit, exclude }) => addressBook.suggest(query, limit, { exclude }),

    'drafts.save': async ({ draftId, message }) => drafts.save(draftId, message),

    'drafts.open': async ({ accountId, folder, uid }) => drafts.open(accountId, folder, uid),

    'drafts.discard': async ({ draftId, accountId }) => drafts.discard(draftId, accountId),
  };

  // A server that refused an OAuth account's token (the mail protocols' "401"): the next
  // connection refreshes it first.
  bus.subscribe((event, payload) => {
    if (event !== 'sync.failed' && event !== 'action.failed') return;
    const { accountId, error } = payload as EventPayload<'sync.failed'>;
    const account = accountSettings.get(accountId);
    if (account && error.code === 'AUTH_FAILED' && !error.details?.signInRequired) void oauthTokens.tokenRejected(account).catch(() => {});
  });

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
    /** Message parts by key, for the part routes of the bridge and the app:// protocol. */
    parts,
    /** Resumes the outbox: whatever was queued when the app last stopped goes out now. */
    start: () => {
      outbox.start();
      mail.start();
    },
    /**
     * Reads, once, what the window shows first (the first account's folders and the first page
     * of its Inbox) from the store and checks it as the contract would, while the window is still
     * loading: the store's pages, that code and the contract's checks are then warm when the window
     * asks (its first answers took ~0.2 s each cold, ~0.03 s warm). Then parses the newest message
     * of that page from its kept source, as opening it would (the first open's parse took 17 ms
     * against 3–5 ms after). Reads only: nothing here reaches a server, writes or marks anything,
     * so a failure there (a missing password, say) still meets the window. Answers the UID parsed.
     */
    prepareFirstScreen: async (): Promise<{ parsed?: number }> => {
      // Only a head start: whatever fails here fails again, and is said, when the window asks.
      try {
        const first = accounts.list()[0];
        if (!first) return {};
        requests['folders.list'].output.safeParse(folderDtos(store, first.id));
        const inbox = store.folderByPath(first.id, 'INBOX');
        if (!inbox) return {};
        const page = store.listMessages(inbox.id, { limit: PAGE_SIZE, sort: 'date' });
        requests['messages.list'].output.safeParse(page.map(toSummary));
        const newest = page[0];
        return newest && (await mail.parseKept(first.id, inbox, newest.uid)) ? { parsed: newest.uid } : {};
      } catch {
        return {};
      }
    },
    /** Idempotent: a second call waits for the first. */
    stop: () =>
      (stopping ??= (async () => {
        await outbox.stop();
        await mail.stop();
        await attachments.stop();
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
