import { z } from 'zod';
import { appErrorSchema, type AppErrorDto } from './errors.js';
import { MAX_PART_INDEX } from './message-parts.js';
import { isOpenableUrl, OPENABLE_SCHEMES } from './openable-url.js';
import { outboxItemSchema } from './outbox.js';
import { forwardedAttachmentsSchema } from './compose.js';
import { addressSuggestionSchema, draftIdSchema, draftMessageSchema, savedDraftSchema } from './drafts.js';
import {
  accountCapabilitiesSchema,
  accountIdSchema,
  accountChangesSchema,
  accountInputSchema,
  accountSchema,
  discoveryResultSchema,
  domainCheckSchema,
  identityIdSchema,
  identityInputSchema,
  identitySchema,
  secretStorageKindSchema,
  emailAddress,
  fingerprint256Schema,
  folderSchema,
  messageDetailSchema,
  messageSummarySchema,
  outgoingMessageSchema,
  serverCheckSchema,
  serverToVerifySchema,
} from './schemas.js';

/**
 * The single source of truth for what crosses between main and the renderer.
 * Requests are named as commands; events are named in the past tense. Both transports
 * (Electron IPC and the loopback bridge) carry exactly this.
 */
const folderPathSchema = z.string().min(1).max(1000);
const uidListSchema = z.array(z.number().int().positive()).min(1).max(10_000);
const flagNameSchema = z.enum(['seen', 'flagged', 'answered', 'draft']);
/** The action is shown already and queued for the server; a refusal comes as action.failed. */
const actionQueuedSchema = z.object({ actionId: z.number().int().positive() });
/**
 * A composer to open prefilled, parsed from a mailto: link (RFC 6068) by main: plain addresses,
 * a one-line subject and a body, already decoded and cleaned of header-breaking characters.
 */
export const composeRequestSchema = z
  .object({
    to: z.array(z.string().max(320)).max(100),
    cc: z.array(z.string().max(320)).max(100),
    bcc: z.array(z.string().max(320)).max(100),
    subject: z.string().max(998).regex(/^[^\r\n]*$/, 'A subject is one line.'),
    body: z.string().max(100_000),
  })
  .strict();
export type ComposeRequest = z.infer<typeof composeRequestSchema>;

/** A row of All inboxes (a message of an account's Inbox) or a result of searching them: saying which account and folder. */
export const inboxMessageSchema = messageSummarySchema.extend({ accountId: accountIdSchema, folder: z.string() });
export type InboxMessage = z.infer<typeof inboxMessageSchema>;


/** One part of a message: its account, folder and UID, and the part's place (AttachmentInfo.part). */
const attachmentRefSchema = z
  .object({
    accountId: accountIdSchema,
    folder: folderPathSchema,
    uid: z.number().int().positive(),
    part: z.number().int().nonnegative().max(MAX_PART_INDEX),
  })
  .strict();

/** message.source reads at most this many bytes of a kept message (View source). */
export const MAX_SOURCE_BYTES = 2_000_000;

export const requests = {
  'accounts.list': {
    input: z.object({}).strict(),
    output: z.array(accountSchema),
  },
  'accounts.add': {
    input: accountInputSchema.strict(),
    output: accountSchema,
  },
  'accounts.remove': {
    input: z.object({ accountId: accountIdSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  },
  /** Changes an account's settings (name, address, servers...); the whole is checked as accounts.add checks it. */
  'accounts.update': {
    input: z.object({ accountId: accountIdSchema, changes: accountChangesSchema.strict() }).strict(),
    output: accountSchema,
  },
  /**
   * Signs an account that uses OAuth in again with the system browser (after an AUTH_FAILED with
   * details.signInRequired: its provider withdrew the tokens). Answers once the browser is done.
   */
  'accounts.signIn': {
    input: z.object({ accountId: accountIdSchema }).strict(),
    output: z.object({ signedIn: z.literal(true) }),
  },
  /** Keeps a password anew: after the keychain lost it, or when it was kept for the last session only. */
  'accounts.setPassword': {
    input: z.object({ accountId: accountIdSchema, password: z.string().min(1, 'Enter the password.').max(4096) }).strict(),
    output: z.object({ saved: z.literal(true) }),
  },
  /**
   * What the sender's domain says about the account's SMTP server (SPF) and about mail that
   * fails its checks (DMARC): information only, never blocking. DNS through MAIL_DNS_SERVERS.
   */
  'accounts.checkDomain': {
    input: z.object({ accountId: accountIdSchema, identityId: identityIdSchema.optional() }).strict(),
    output: domainCheckSchema,
  },
  /** Who an account sends as, the default first. */
  'identities.list': {
    input: z.object({ accountId: accountIdSchema }).strict(),
    output: z.array(identitySchema),
  },
  'identities.add': {
    input: z.object({ accountId: accountIdSchema, identity: identityInputSchema.strict() }).strict(),
    output: identitySchema,
  },
  'identities.update': {
    input: z.object({ accountId: accountIdSchema, identityId: identityIdSchema, identity: identityInputSchema.strict() }).strict(),
    output: identitySchema,
  },
  /** An account keeps at least one identity: removing the last is refused. */
  'identities.remove': {
    input: z.object({ accountId: accountIdSchema, identityId: identityIdSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  },
  /**
   * What the app must tell the person at start: where secrets are kept (a notice unless the OS
   * keychain), and a settings file that could not be read (backed up, never silently reset).
   */
  'app.status': {
    input: z.object({}).strict(),
    output: z.object({
      secretStorage: z.object({ kind: secretStorageKindSchema, notice: z.string().optional() }),
      settingsProblem: z.object({ message: z.string(), backupFile: z.string() }).optional(),
      /**
       * Which shell shows the app: the Electron shell notifies of new mail itself; in a browser
       * tab (web) the page does, once the person allowed it.
       */
      shell: z.enum(['electron', 'web']),
    }),
  },
  /**
   * Finds an address's server settings (main/accounts/autoconfig/): the provider's config file,
   * the ISPDB, its MX host's ISPDB entry, SRV records, then guessing, one overall timeout. With a
   * password it also logs in to the incoming server and authenticates to SMTP (nothing is sent).
   * Finding nothing is not an error: the result is empty and manual settings take over.
   */
  'accounts.discover': {
    input: z.object({ email: emailAddress, password: z.string().min(1).max(4096).optional() }).strict(),
    output: discoveryResultSchema,
  },
  /** Checks settings the person edited: logs in to the incoming server and to SMTP, sends nothing. */
  'accounts.verify': {
    input: z
      .object({
        email: emailAddress,
        password: z.string().min(1, 'Enter the password.').max(4096),
        incoming: serverToVerifySchema.refine((s) => s.protocol !== 'smtp', 'The incoming server is IMAP or POP3.'),
        outgoing: serverToVerifySchema.refine((s) => s.protocol === 'smtp', 'The outgoing server is SMTP.'),
      })
      .strict(),
    output: z.object({ incoming: serverCheckSchema, outgoing: serverCheckSchema }),
  },
  /**
   * After a TLS_UNTRUSTED, the person trusts exactly the certificate they were shown (its
   * fingerprint from the error's details) for that account's server. Main looks at the server
   * again and refuses if it now presents another certificate, or (with `host`, the server the
   * person saw the certificate of) if the account's server is now another one.
   */
  'accounts.trustCertificate': {
    input: z
      .object({
        accountId: accountIdSchema,
        protocol: z.enum(['smtp', 'imap', 'pop3']),
        host: z.string().trim().min(1).max(253).optional(),
        fingerprint256: fingerprint256Schema,
      })
      .strict(),
    output: accountSchema,
  },
  /**
   * What the account can do: folders, flags and search on its server, and push (new mail
   * announced at once). Asked of its mail backend, so it follows what the server turned out to
   * offer (an IMAP server without IDLE: no push; its Inbox is polled instead).
   */
  'accounts.capabilities': {
    input: z.object({ accountId: accountIdSchema }).strict(),
    output: accountCapabilitiesSchema,
  },
  /** The account's folders, Inbox first, with their roles and message counts. */
  'folders.list': {
    input: z.object({ accountId: accountIdSchema }).strict(),
    output: z.array(folderSchema),
  },
  'messages.list': {
    input: z
      .object({
        accountId: accountIdSchema,
        folder: z.string().min(1).max(1000).default('INBOX'),
        limit: z.number().int().min(1).max(500).default(50),
        /** One row per conversation (its newest message here, with counts) instead of per message. */
        threads: z.boolean().default(false),
        /**
         * Newest first (date), or A to Z by sender (its name, else its address) or by subject,
         * case-insensitive, newest first among equals. Threads are listed by date only.
         */
        sort: z.enum(['date', 'sender', 'subject']).default('date'),
        /**
         * The next page: the messages after this one (its receivedAt and uid; for a sender or
         * subject sort also its key: the sender's name or address, or the subject, as listed).
         */
        before: z
          .object({ receivedAt: z.number().int(), uid: z.number().int().positive(), key: z.string().max(2000).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .refine((v) => !v.threads || v.sort === 'date', 'Threads are listed newest first only.'),
    output: z.array(messageSummarySchema),
  },
  /**
   * All inboxes: every account's Inbox as one list, newest first (equal arrival times by account),
   * a page at a time from the store; each row says its account. A first read of an Inbox not
   * yet synced waits for its newest messages; an account out of reach is left out and says why
   * with sync.failed.
   */
  'messages.listInboxes': {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).default(50),
        /** The next page: the messages after this one (the last row's receivedAt, accountId and uid). */
        before: z.object({ receivedAt: z.number().int(), accountId: accountIdSchema, uid: z.number().int().positive() }).strict().optional(),
      })
      .strict(),
    output: z.array(inboxMessageSchema),
  },
  /** Creates a folder, at the top or inside `parent`. */
  'folders.create': {
    input: z.object({ accountId: accountIdSchema, parent: folderPathSchema.nullable().default(null), name: z.string().min(1).max(255) }).strict(),
    output: z.object({ path: z.string() }),
  },
  /** Renames a folder in place (its subfolders move with it); the local copy is kept. */
  'folders.rename': {
    input: z.object({ accountId: accountIdSchema, path: folderPathSchema, name: z.string().min(1).max(255) }).strict(),
    output: z.object({ path: z.string() }),
  },
  /** Deletes an empty folder without a role (the server's Inbox, Sent, Trash... are refused). */
  'folders.delete': {
    input: z.object({ accountId: accountIdSchema, path: folderPathSchema }).strict(),
    output: z.object({ deleted: z.literal(true) }),
  },
  'folders.subscribe': {
    input: z.object({ accountId: accountIdSchema, path: folderPathSchema, subscribed: z.boolean() }).strict(),
    output: z.object({ subscribed: z.boolean() }),
  },
  /**
   * The search box: the store's operators (from:, to:, subject:, has:attachment, is:unread,
   * before:, after:), newest first, in every folder or one; for a folder whose copy is not
   * complete the server is asked as well (serverChecked says whether it could be).
   */
  'messages.search': {
    input: z
      .object({
        accountId: accountIdSchema.optional(),
        folder: folderPathSchema.optional(),
        query: z.string().max(1000),
        limit: z.number().int().min(1).max(500).default(100),
        /**
         * With no folder named: ask the server too, for the account's folders whose copy is not
         * complete yet (a first sync still coming in), Inbox, Sent and Archive first, at most ten.
         * A named folder is always asked when its copy is incomplete.
         */
        askServer: z.boolean().default(false),
      })
      .strict()
      .refine((v) => v.folder === undefined || v.accountId !== undefined, 'A folder belongs to an account: give both.'),
    output: z.object({
      messages: z.array(messageSummarySchema.extend({ folder: z.string() })),
      serverChecked: z.boolean(),
      /** Folders searched are not all complete on this computer: asking the server (askServer) may find more. */
      incomplete: z.boolean(),
    }),
  },
  /**
   * The search box in All inboxes: messages.search's query in every folder of every account,
   * from the store, newest first across them; each message says its account and folder.
   */
  'messages.searchAll': {
    input: z.object({ query: z.string().max(1000), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.object({ messages: z.array(inboxMessageSchema) }),
  },
  /** Marks messages read or unread, flagged or not (shown at once, then done on the server). */
  'messages.setFlags': {
    input: z
      .object({
        accountId: accountIdSchema,
        folder: z.string().min(1).max(1000),
        uids: uidListSchema,
        add: z.array(flagNameSchema).max(4).default([]),
        remove: z.array(flagNameSchema).max(4).default([]),
      })
      .strict()
      .refine((v) => v.add.length + v.remove.length > 0, 'Say which flags to add or remove.')
      .refine((v) => !v.add.some((f) => v.remove.includes(f)), 'A flag cannot be added and removed at once.'),
    output: actionQueuedSchema,
  },
  /** Moves messages to another folder of the same account. */
  'messages.move': {
    input: z.object({ accountId: accountIdSchema, folder: z.string().min(1).max(1000), uids: uidListSchema, to: z.string().min(1).max(1000) }).strict(),
    output: actionQueuedSchema,
  },
  'messages.copy': {
    input: z.object({ accountId: accountIdSchema, folder: z.string().min(1).max(1000), uids: uidListSchema, to: z.string().min(1).max(1000) }).strict(),
    output: actionQueuedSchema,
  },
  /** Delete: to Trash; inside Trash (or with no Trash) for good. */
  'messages.delete': {
    input: z.object({ accountId: accountIdSchema, folder: z.string().min(1).max(1000), uids: uidListSchema }).strict(),
    output: actionQueuedSchema,
  },
  /**
   * Undo of a delete (to Trash) or a move, by the id messages.delete or messages.move answered:
   * one not yet done on the server is taken out of the queue and shown back; one done already is
   * reversed (moved back, flags and all) and `actionId` is that reversal's. Refused once the
   * app no longer knows where the messages went (after a restart), or for a delete for good.
   */
  'messages.undo': {
    input: z.object({ accountId: accountIdSchema, actionId: z.number().int().positive() }).strict(),
    output: z.object({ undone: z.literal(true), actionId: z.number().int().positive().optional() }),
  },
  /** Every message of a conversation, in every folder, oldest first (the reader's thread view). */
  'thread.open': {
    input: z.object({ accountId: accountIdSchema, threadId: z.number().int().positive() }).strict(),
    output: z.array(messageSummarySchema.extend({ folder: z.string() })),
  },
  /** Brings a folder up to date with the server now (Refresh); progress comes as sync.progressed. */
  'folder.sync': {
    input: z.object({ accountId: accountIdSchema, folder: z.string().min(1).max(1000).default('INBOX') }).strict(),
    output: z.object({
      added: z.number().int().nonnegative(),
      removed: z.number().int().nonnegative(),
      flagsChanged: z.number().int().nonnegative(),
    }),
  },
  'message.open': {
    input: z
      .object({
        accountId: accountIdSchema,
        folder: z.string().min(1).max(1000).default('INBOX'),
        uid: z.number().int().positive(),
      })
      .strict(),
    output: messageDetailSchema,
  },
  /** The message's raw source (View source), from its kept copy; cut at MAX_SOURCE_BYTES (truncated says so). */
  'message.source': {
    input: z.object({ accountId: accountIdSchema, folder: folderPathSchema.default('INBOX'), uid: z.number().int().positive() }).strict(),
    output: z.object({ source: z.string(), size: z.number().int().nonnegative(), truncated: z.boolean() }),
  },
  /**
   * Saves an attachment (a part of a kept message, attachments[i].part): the system's save
   * dialog, then the part streamed into the chosen file. 'download' where there is no dialog
   * (web mode): the browser downloads it from attachment/<partsKey>/<part> instead.
   */
  'attachments.save': {
    input: attachmentRefSchema,
    output: z.object({ result: z.enum(['saved', 'cancelled', 'download']), fileName: z.string().optional() }),
  },
  /**
   * Opens an attachment with the system's program for its type, from a private temporary
   * folder. Refused (INVALID_ARGUMENT) for what could run code: programs, scripts, installers,
   * shortcuts, web pages, SVG... (shared/attachment-names.ts). 'download' in web mode.
   */
  'attachments.open': {
    input: attachmentRefSchema,
    output: z.object({ result: z.enum(['opened', 'download']), fileName: z.string().optional() }),
  },
  /** "Always load from this sender": remote content of mail from this address loads without asking. */
  'senders.allowRemoteContent': {
    input: z.object({ address: z.string().trim().toLowerCase().pipe(z.string().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, 'Not an email address.')) }).strict(),
    output: z.object({ allowed: z.literal(true) }),
  },
  /**
   * Opens a link from a message in the system's browser or mail program: http, https and mailto
   * only (anything else is refused). opened is false where nothing can open it (web mode).
   */
  'links.open': {
    input: z.object({ url: z.string().max(8192).refine(isOpenableUrl, 'Only http, https and mailto links can be opened.') }).strict(),
    output: z.object({ opened: z.boolean() }),
  },
  /** Puts the message in the durable outbox and returns at once; outbox.changed tells the rest. */
  'mail.send': {
    input: outgoingMessageSchema
      .omit({ from: true })
      .extend({
        /** The identity to send as (From, Reply-To, signature); absent: the account's default. */
        identityId: identityIdSchema.optional(),
        /** Send later: not before this moment (ISO 8601). Absent: after the undo window. */
        sendAt: z.iso.datetime({ offset: true }).optional(),
        /** A forward's attachments, read by main from the original (shared/compose.ts). */
        forwarded: forwardedAttachmentsSchema.optional(),
      })
      .strict(),
    output: outboxItemSchema,
  },
  'outbox.list': {
    input: z.object({}).strict(),
    output: z.array(outboxItemSchema),
  },
  /** Undo send: takes a message that has not gone yet back out of the outbox, for the composer. */
  'outbox.cancel': {
    input: z.object({ id: z.uuid() }).strict(),
    output: z.object({ draft: outgoingMessageSchema }),
  },
  'outbox.retry': {
    input: z.object({ id: z.uuid() }).strict(),
    output: outboxItemSchema,
  },
  /**
   * The composer's autocomplete: addresses seen in stored mail (From, To, Cc) that start with, or
   * else contain, what was typed, the most often and recently seen first.
   */
  'addresses.suggest': {
    input: z
      .object({ query: z.string().max(320), limit: z.number().int().min(1).max(50).default(8), exclude: z.array(z.string().max(320)).max(500).default([]) })
      .strict(),
    output: z.array(addressSuggestionSchema),
  },
  /**
   * Saves the composition as a draft: IMAP APPEND to the account's Drafts folder (\Draft), or a
   * POP3 account's local Drafts. With a draftId its previous copy is replaced (deleted once the
   * new one is in).
   */
  'drafts.save': {
    input: z.object({ draftId: draftIdSchema.optional(), message: draftMessageSchema }).strict(),
    output: savedDraftSchema,
  },
  /** Edit draft: a message in Drafts, for the composer; saving with the draftId replaces it. */
  'drafts.open': {
    input: z.object({ accountId: accountIdSchema, folder: folderPathSchema, uid: z.number().int().positive() }).strict(),
    output: z.object({ draftId: draftIdSchema, message: draftMessageSchema }),
  },
  /** The composition was sent or thrown away: its saved draft is deleted. */
  'drafts.discard': {
    /** With its account, a draft saved before main restarted is found and deleted too. */
    input: z.object({ draftId: draftIdSchema, accountId: accountIdSchema.optional() }).strict(),
    output: z.object({ discarded: z.boolean() }),
  },
  /**
   * The compose requests (mailto: links) that came before the renderer was listening, taken
   * once; later ones come as compose.requested. Web mode has none.
   */
  'compose.takeRequested': {
    input: z.object({}).strict(),
    output: z.object({ requests: z.array(composeRequestSchema).max(20) }),
  },
} as const;

export const events = {
  'accounts.changed': z.object({ accounts: z.array(accountSchema) }),
  'mail.sent': z.object({ accountId: accountIdSchema, messageId: z.string(), accepted: z.array(z.string()) }),
  /** New mail in an account's Inbox, seen by its IDLE connection: the list may refresh. */
  'mail.arrived': z.object({ accountId: accountIdSchema, folder: z.string(), count: z.number().int().nonnegative() }),
  /** The account's folder tree or its counts changed: folders.list again. */
  'folders.changed': z.object({ accountId: accountIdSchema }),
  /** The stored messages of a folder changed (arrived, removed, flags): the list may redraw from the store. */
  'messages.changed': z.object({ accountId: accountIdSchema, folder: z.string() }),
  /** How far a folder's sync has got: done of total messages are in the store. */
  'sync.progressed': z.object({
    accountId: accountIdSchema,
    folder: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  /** The server refused an action (move, flag, delete): it was undone locally; here is why. */
  'action.failed': z.object({ accountId: accountIdSchema, folder: z.string(), error: appErrorSchema }),
  /** A background sync failed (offline, refused, ...); the store still holds the last good state. */
  'sync.failed': z.object({ accountId: accountIdSchema, folder: z.string(), error: appErrorSchema }),
  /** The messages whose state changed, and the ids of those taken out (undo send). */
  'outbox.changed': z.object({ items: z.array(outboxItemSchema), removed: z.array(z.string()) }),
  /** A mailto: link was opened (the app is the system's mail handler): open the composer with it. */
  'compose.requested': composeRequestSchema,
} as const;

export type RequestChannel = keyof typeof requests;
export type EventName = keyof typeof events;

/** What the caller passes (defaults may be left out). */
export type RequestInput<C extends RequestChannel> = z.input<(typeof requests)[C]['input']>;
/** What the handler receives, after validation and defaults. */
export type ParsedInput<C extends RequestChannel> = z.output<(typeof requests)[C]['input']>;
export type RequestOutput<C extends RequestChannel> = z.output<(typeof requests)[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** Every reply on either transport is one of these: a value, or a typed error. Never a throw. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: AppErrorDto };

export { replySchema } from './reply.js';
// Apart from the schemas, for the renderer (shared/openable-url.ts); part of the contract all the same.
export { isOpenableUrl, OPENABLE_SCHEMES };

export const requestChannels = Object.keys(requests) as RequestChannel[];
export const eventNames = Object.keys(events) as EventName[];

export function isRequestChannel(name: unknown): name is RequestChannel {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** The one typed surface the renderer sees, whichever transport carries it. */
export interface ContractClient {
  invoke<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<Reply<RequestOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Names used by the Electron transport (in their own module so the preload can stay free of zod). */
export { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL } from './ipc-channels.js';

/** The loopback bridge's wire format. */
export const bridgeRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  input: z.unknown(),
});
export type BridgeRequest = z.infer<typeof bridgeRequestSchema>;
export type BridgeMessage =
  | { kind: 'reply'; id: number; reply: Reply<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown };
