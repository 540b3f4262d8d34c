import { z } from 'zod';
import { MAX_ATTACHMENTS_BYTES } from './attachment-limits.js';
import { appErrorSchema } from './errors.js';

/**
 * The data shapes that cross the boundary. Everything here is plain data: ids and DTOs, never a
 * live object, so the same values travel over Electron IPC and over the loopback bridge.
 */

/** Header fields a person types must not smuggle a CR or LF into the message's header. */
const singleLine = (label: string) =>
  z.string().refine((v) => !/[\r\n]/.test(v), { message: `${label} must be a single line (no line breaks).` });

const hostName = z
  .string()
  .trim()
  .min(1, 'Enter the server name.')
  .max(253)
  .regex(/^[A-Za-z0-9.\-:[\]]+$/, 'The server name may contain only letters, digits, dots, hyphens and colons.');

const port = z.number().int().min(1, 'Ports run from 1 to 65535.').max(65535, 'Ports run from 1 to 65535.');

/**
 * An address as a person types it, internationalized ones included (RFC 6531): the local part
 * is a dot-atom whose characters may also be any printable non-ASCII character, the domain a
 * host name whose labels may be Unicode (IDNA; the envelope carries its A-label form, nodemailer
 * converts it). Quoted local parts, IP-literal domains and single-label hosts are refused, as
 * zod's email() does. Sending to a UTF-8 local part needs a server that offers SMTPUTF8; the
 * sender checks that before the message goes (main/smtp/server-limits.ts).
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (new TextEncoder().encode(local).length > 64) return false;
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\P{ASCII}]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\P{ASCII}]+)*$/u.test(local)) return false;
  // Control, format (bidi overrides), separator and unassigned characters have no place in an address.
  if (/[\p{C}\p{Z}]/u.test(local)) return false;
  return isMailDomain(domain);
}

/** A host name of at least two labels (Unicode labels allowed), its top level alphabetic or an A-label. */
function isMailDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253 || /[\p{C}\p{Z}]/u.test(domain)) return false;
  let ascii: string;
  try {
    // WHATWG URL does IDNA processing (UTS #46) in browsers and in Node alike.
    ascii = /^[\x21-\x7e]+$/.test(domain) ? domain.toLowerCase() : new URL(`http://${domain}/`).hostname;
  } catch {
    return false;
  }
  const labels = ascii.split('.');
  if (labels.length < 2 || ascii.length > 253) return false;
  if (!labels.every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(label))) return false;
  return /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i.test(labels[labels.length - 1]!);
}

/**
 * An address typed into the field `label` names: a CR or LF is refused before anything else
 * (and before trimming, which would otherwise quietly drop a trailing one), and the error names
 * the field and quotes the bad address.
 */
export const emailAddressIn = (label: string) =>
  singleLine(label === 'The email address' ? label : `An address in ${label}`)
    .transform((v) => v.trim())
    .pipe(
      z.string().refine(isEmailAddress, {
        error: (issue) =>
          label === 'The email address'
            ? `“${String(issue.input)}” is not a valid email address.`
            : `${label}: “${String(issue.input)}” is not a valid email address.`,
      }),
    );

/** The account's own address. */
export const emailAddress = emailAddressIn('The email address');

/** SSL/TLS from the first byte, or STARTTLS (always required: we never fall back to plaintext). */
export const securitySchema = z.enum(['tls', 'starttls']);
export type Security = z.infer<typeof securitySchema>;

/**
 * Outgoing mail may also go without any encryption (ports 25 and 2525 of some providers and
 * local relays), but only when the account says so in as many words: 'none' never tries TLS,
 * and 'tls' / 'starttls' never fall back to it.
 */
export const smtpSecuritySchema = z.enum(['tls', 'starttls', 'none']);
export type SmtpSecurity = z.infer<typeof smtpSecuritySchema>;

export const serverSettingsSchema = z.object({
  host: hostName,
  port,
  security: securitySchema,
});
export type ServerSettings = z.infer<typeof serverSettingsSchema>;

/**
 * How the client authenticates on the submission server. 'auto' (also when absent) takes the
 * first of PLAIN, LOGIN, CRAM-MD5 that the server lists in its EHLO AUTH line; a named method is
 * used as is; 'XOAUTH2' sends the account's stored secret as an OAuth 2.0 access token; 'none'
 * sends no AUTH at all (a relay that trusts the network).
 */
export const smtpAuthMethodSchema = z.enum(['auto', 'PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2', 'none']);
export type SmtpAuthMethod = z.infer<typeof smtpAuthMethodSchema>;

/** A login name as a person types it: one line, trimmed, not empty (leave it out instead). */
const loginName = (label: string) =>
  singleLine(`The ${label}`).pipe(z.string().trim().min(1, `Enter the ${label}, or leave it out.`).max(1000));

export const smtpServerSettingsSchema = serverSettingsSchema.extend({
  security: smtpSecuritySchema,
  authMethod: smtpAuthMethodSchema.optional(),
  /**
   * The SMTP login name where the provider's outgoing server wants another one than the
   * incoming server (a relay with its own accounts, say). Absent: the account's user name.
   */
  username: loginName('SMTP user name').optional(),
});
export type SmtpServerSettings = z.infer<typeof smtpServerSettingsSchema>;

/**
 * How the account proves who it is: a password, or OAuth 2.0 (a browser sign-in; its tokens are
 * kept like a password and sent as XOAUTH2 to IMAP, POP3 and SMTP). Absent means a password.
 */
export const accountAuthSchema = z.enum(['password', 'oauth2']);
export type AccountAuth = z.infer<typeof accountAuthSchema>;

/**
 * An OAuth account's provider: its id in the providers configuration (where the app's client ID
 * is) and the endpoints and scopes it signed in with. Set by main from that configuration, never
 * taken from the renderer.
 */
export const oauth2SettingsSchema = z.object({
  provider: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1).max(100),
  authorizationEndpoint: z.url().max(2000),
  tokenEndpoint: z.url().max(2000),
  scopes: z.array(z.string().min(1).max(500)).min(1).max(20),
});
export type OAuth2Settings = z.infer<typeof oauth2SettingsSchema>;

/** A certificate's SHA-256 fingerprint as Node writes it: 32 bytes in upper-case hex, colon-separated. */
export const fingerprint256Schema = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/, 'Not a SHA-256 certificate fingerprint.'));

/**
 * One certificate the person chose to trust for one server, although no authority vouches for
 * it (self-signed, unknown issuer, or issued for another name). It is accepted for `host` only,
 * and only that exact certificate; it is set by accounts.trustCertificate, never by accounts.add.
 */
export const pinnedCertificateSchema = z.object({
  host: hostName,
  fingerprint256: fingerprint256Schema,
  pem: z
    .string()
    .max(64 * 1024)
    .regex(/^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/, 'Not a PEM certificate.'),
});
export type PinnedCertificate = z.infer<typeof pinnedCertificateSchema>;

/**
 * POP3 may go without encryption only when the account says so in as many words ('none');
 * 'starttls' on port 110 requires STLS and never falls back to plaintext.
 */
export const pop3SecuritySchema = z.enum(['tls', 'starttls', 'none']);
export type Pop3Security = z.infer<typeof pop3SecuritySchema>;

export const pop3ServerSettingsSchema = serverSettingsSchema.extend({
  security: pop3SecuritySchema,
  /** 'auto' (also when absent): SASL PLAIN when the server lists it, else USER/PASS; APOP only when named. */
  authMethod: z.enum(['auto', 'PLAIN', 'USER', 'APOP', 'XOAUTH2']).optional(),
  /** Keep downloaded messages on the server (the default: another device may want them too). */
  leaveOnServer: z.boolean().default(true),
  /** With leaveOnServer: delete them from the server this many days after downloading them. */
  deleteAfterDays: z.number().int().min(1, 'Keep messages at least one day.').max(3650).optional(),
  /** With leaveOnServer: delete a message from the server once its local copy is deleted for good. */
  deleteWhenDeletedLocally: z.boolean().default(false),
});
export type Pop3ServerSettings = z.infer<typeof pop3ServerSettingsSchema>;

/** Which protocol brings the account's mail in. */
export const incomingProtocolSchema = z.enum(['imap', 'pop3']);
export type IncomingProtocol = z.infer<typeof incomingProtocolSchema>;

const accountFields = z.object({
  name: singleLine('The name').pipe(z.string().trim().min(1, 'Enter your name.').max(200)),
  email: emailAddress,
  password: z.string().min(1, 'Enter the password.').max(4096),
  /**
   * The login name for IMAP, POP3 and SMTP when it is not the address (a config file's
   * %EMAILLOCALPART%, say). Absent: the email address.
   */
  username: loginName('user name').optional(),
  /** Absent means IMAP (every account made before POP3 was offered). */
  incoming: incomingProtocolSchema.optional(),
  /** The incoming server, for an IMAP account. */
  imap: serverSettingsSchema.optional(),
  /** The incoming server, for a POP3 account. */
  pop3: pop3ServerSettingsSchema.optional(),
  smtp: smtpServerSettingsSchema,
  /**
   * Who files the copy of sent mail: we do (IMAP APPEND to Sent; a POP3 account's local Sent),
   * or the provider does it itself (Gmail, many Exchange servers), where a second copy would be
   * a duplicate.
   */
  sentCopy: z.enum(['append', 'provider']).default('append'),
  /** Absent: 'password'. An 'oauth2' account is added without a password: main signs in with the browser. */
  auth: accountAuthSchema.optional(),
});

/** A password account needs its password; an OAuth one has none. */
function passwordUnlessOAuth(account: { auth?: AccountAuth; password?: string }, ctx: z.RefinementCtx): void {
  if (account.auth === 'oauth2') {
    if (account.password !== undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'An account that signs in with the browser has no password.' });
  } else if (account.password === undefined) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'Enter the password.' });
  }
}

/** The incoming protocol's settings must be there (and only those: no stale second server). */
function incomingServerGiven(account: { incoming?: IncomingProtocol; imap?: unknown; pop3?: unknown }, ctx: z.RefinementCtx): void {
  const incoming = account.incoming ?? 'imap';
  const other = incoming === 'imap' ? 'pop3' : 'imap';
  if (account[incoming] === undefined) {
    ctx.addIssue({ code: 'custom', path: [incoming], message: `Enter the ${incoming.toUpperCase()} server settings.` });
  }
  if (account[other] !== undefined) {
    ctx.addIssue({ code: 'custom', path: [other], message: `A${incoming === 'imap' ? 'n' : ''} ${incoming.toUpperCase()} account has no ${other.toUpperCase()} server settings.` });
  }
}

export const accountInputSchema = accountFields.extend({ password: accountFields.shape.password.optional() }).superRefine((account, ctx) => {
  incomingServerGiven(account, ctx);
  passwordUnlessOAuth(account, ctx);
});
/**
 * What accounts.update may change: any setting but the password (accounts.setPassword) and the
 * pinned certificates (accounts.trustCertificate). The merged account is checked as a whole
 * (accountSchema), so an edit passes the same rules as adding.
 */
export const accountChangesSchema = accountFields.omit({ password: true, auth: true }).partial();
export type AccountChanges = z.input<typeof accountChangesSchema>;
export type AccountInput = z.input<typeof accountInputSchema>;
export type ParsedAccountInput = z.output<typeof accountInputSchema>;

/**
 * One identity an account sends as: the From name and address, an optional Reply-To, and a
 * signature appended to the text ("-- " line first, RFC 3676). An account made before identities
 * has one, made from its own name and address (settings migration 2).
 */
export const identityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Not an identity id.');
export const identityInputSchema = z.object({
  name: singleLine('The name').pipe(z.string().trim().min(1, 'Enter the name to send as.').max(200)),
  email: emailAddressIn('From'),
  replyTo: emailAddressIn('Reply-To').optional(),
  signature: z.string().max(10_000, 'A signature may be at most 10,000 characters long.').optional(),
});
export type IdentityInput = z.input<typeof identityInputSchema>;
export const identitySchema = identityInputSchema.extend({ id: identityIdSchema });
export type Identity = z.infer<typeof identitySchema>;

export const accountIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Not an account id.');

/** A stored account: what was added, plus a pinned certificate per server where the person trusted one. */
export const accountSchema = accountFields
  .omit({ password: true })
  .extend({
    id: accountIdSchema,
    imap: serverSettingsSchema.extend({ pinnedCertificate: pinnedCertificateSchema.optional() }).optional(),
    pop3: pop3ServerSettingsSchema.extend({ pinnedCertificate: pinnedCertificateSchema.optional() }).optional(),
    smtp: smtpServerSettingsSchema.extend({ pinnedCertificate: pinnedCertificateSchema.optional() }),
    /** Who the account sends as, the default first; absent (older data) means its own name and address. */
    identities: z.array(identitySchema).max(50).optional(),
    /** With auth 'oauth2': the provider it signs in with. */
    oauth2: oauth2SettingsSchema.optional(),
  })
  .superRefine((account, ctx) => {
    incomingServerGiven(account, ctx);
    if (account.auth === 'oauth2' && !account.oauth2) ctx.addIssue({ code: 'custom', path: ['oauth2'], message: 'An OAuth account needs its provider.' });
  });
export type Account = z.infer<typeof accountSchema>;

export function incomingOf(account: Pick<Account, 'incoming'>): IncomingProtocol {
  return account.incoming ?? 'imap';
}

export { identitiesOf } from './identities.js';

/**
 * What the account's incoming protocol can do, for the UI to offer only what works. POP3 knows
 * one mailbox and nothing else: its folders, flags and search are local, and there is no push.
 */
export type AccountCapabilities = {
  /** Folders live on the server (create, rename, delete, subscribe). */
  serverFolders: boolean;
  /** Read, flag, move and delete reach the server (POP3: they stay on this computer). */
  serverFlags: boolean;
  /** The server can search what is not yet in the local store. */
  serverSearch: boolean;
  /** New mail is announced at once (IMAP IDLE); otherwise it is checked for on a schedule. */
  push: boolean;
};

export function capabilitiesOf(account: Pick<Account, 'incoming'>): AccountCapabilities {
  const imap = incomingOf(account) === 'imap';
  return { serverFolders: imap, serverFlags: imap, serverSearch: imap, push: imap };
}

/** accounts.capabilities: what main's backend for the account knows (an IMAP server without IDLE has no push). */
export const accountCapabilitiesSchema = z.object({
  serverFolders: z.boolean(),
  serverFlags: z.boolean(),
  serverSearch: z.boolean(),
  push: z.boolean(),
}) satisfies z.ZodType<AccountCapabilities>;

export const mailboxAddressSchema = z.object({ name: z.string(), address: z.string() });
export type MailboxAddress = z.infer<typeof mailboxAddressSchema>;

export const messageSummarySchema = z.object({
  uid: z.number().int().positive(),
  messageId: z.string().optional(),
  from: mailboxAddressSchema.optional(),
  subject: z.string(),
  /** ISO 8601. */
  date: z.string(),
  unread: z.boolean(),
  size: z.number().int().nonnegative(),
  flagged: z.boolean().default(false),
  hasAttachments: z.boolean().default(false),
  /** Arrival on the server, ms since epoch: with uid, the cursor for the next page. */
  receivedAt: z.number().int().default(0),
  /** In a threaded list: the conversation this message is the newest of (in this folder). */
  thread: z
    .object({
      id: z.number().int().positive(),
      /** Messages of the conversation in this folder, and how many are unread. */
      count: z.number().int().positive(),
      unread: z.number().int().nonnegative(),
      /** In every folder of the account (a reply in Sent counts). */
      countAll: z.number().int().positive(),
    })
    .optional(),
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;

export const attachmentInfoSchema = z.object({
  filename: z.string().nullable(),
  contentType: z.string(),
  /** Decoded size in bytes. */
  size: z.number().int().nonnegative(),
  /** Its place among the message's parts, from 0: what attachments.save and attachments.open take (shared/message-parts.ts). */
  part: z.number().int().nonnegative().optional(),
  /** Its Content-ID without the <>, where it has one: the HTML shows it as cid:<contentId>. */
  contentId: z.string().max(998).optional(),
});
export type AttachmentInfo = z.infer<typeof attachmentInfoSchema>;

export const messageDetailSchema = messageSummarySchema.extend({
  to: z.array(mailboxAddressSchema),
  cc: z.array(mailboxAddressSchema),
  replyTo: z.array(mailboxAddressSchema),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()),
  /** The readable text of the message (from its text part, or derived from its HTML). */
  text: z.string(),
  attachments: z.array(attachmentInfoSchema).default([]),
  /**
   * The message's HTML as it came (never sanitized here: the reader does that); its cid:
   * images are among the attachments (contentId) and served by URL. Absent for a text-only message.
   */
  html: z.string().optional(),
  /** Each Authentication-Results header field's value, unfolded, in header order (the topmost, the nearest hop's, first). */
  authenticationResults: z.array(z.string()).optional(),
  /** The person chose "Always load from this sender" for the message's From address. */
  remoteContentAllowed: z.boolean().optional(),
  /** The key its parts are served under while the app runs (inline images, downloads; shared/message-parts.ts). */
  partsKey: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type MessageDetail = z.infer<typeof messageDetailSchema>;

/** What a folder is for: the Inbox, or a SPECIAL-USE role (RFC 6154), or, where the server marks none, a common name's. */
export const folderRoleSchema = z.enum(['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash']);
export type FolderRole = z.infer<typeof folderRoleSchema>;

export const folderSchema = z.object({
  /** The full path, as messages.list and message.open take it. */
  path: z.string().min(1),
  /** The last part of the path, for showing ("Inbox" for INBOX). */
  name: z.string(),
  role: folderRoleSchema.nullable(),
  /** The hierarchy delimiter, or null where the server has no hierarchy. */
  delimiter: z.string().nullable(),
  total: z.number().int().nonnegative(),
  unread: z.number().int().nonnegative(),
  /** False for a folder that only holds other folders (\Noselect). */
  selectable: z.boolean(),
});
export type Folder = z.infer<typeof folderSchema>;

const messageIdRefIn = (label: string) =>
  singleLine(label).pipe(
    z
      .string()
      .max(998)
      .regex(/^<[^<>\s]+>$/, `${label}: a message reference must look like <id@host>.`),
  );

export { MAX_ATTACHMENTS_BYTES };
const MAX_ATTACHMENTS_LABEL = '25 MB';

const isBase64 = (v: string) => v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v);

/** How many bytes a (valid, unwrapped) base64 string decodes to. */
export function base64DecodedLength(v: string): number {
  const padding = v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0;
  return (v.length / 4) * 3 - padding;
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export const attachmentSchema = z.object({
  filename: singleLine('An attachment’s file name').pipe(
    z
      .string()
      .min(1, 'An attachment needs a file name.')
      .max(255, 'An attachment’s file name may be at most 255 characters long.')
      .refine((v) => !/[\x00-\x1f\x7f]/.test(v), 'An attachment’s file name may not contain control characters.'),
  ),
  contentType: singleLine('An attachment’s content type').pipe(
    z
      .string()
      .max(255)
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/,
        'An attachment’s content type must be a MIME type such as image/png.',
      )
      .refine((v) => !/^multipart\//i.test(v), 'An attachment cannot be a multipart/* body; attach it as application/octet-stream.'),
  ),
  /** The file's bytes, base64 without line breaks. */
  contentBase64: z
    .string()
    .max(Math.ceil(MAX_ATTACHMENTS_BYTES / 3) * 4, `Attachments may come to at most ${MAX_ATTACHMENTS_LABEL} in all.`)
    .refine(isBase64, 'An attachment’s content must be base64 (without line breaks).'),
  /** For an image the HTML shows as <img src="cid:…">: its Content-ID, without the angle brackets. */
  contentId: singleLine('An inline image’s content ID')
    .pipe(
      z
        .string()
        .min(1)
        .max(250)
        .regex(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]+$/, 'An inline image’s content ID may contain only letters, digits, @, dots and - _ + ='),
    )
    .optional(),
  /** Shown in the text rather than offered as a file (Content-Disposition: inline). Default: inline when it has a contentId. */
  inline: z.boolean().optional(),
});
export type OutgoingAttachment = z.infer<typeof attachmentSchema>;

export const outgoingMessageSchema = z.object({
  accountId: accountIdSchema,
  /**
   * The identity the message goes out as (From and the envelope sender). Set by main from the
   * account's chosen identity (mail.send's identityId), never by the renderer; absent: the account's own.
   */
  from: z.object({ name: singleLine('The From name').pipe(z.string().max(200)), address: emailAddressIn('From') }).optional(),
  to: z.array(emailAddressIn('To')).min(1, 'Add at least one recipient in To.').max(500),
  cc: z.array(emailAddressIn('Cc')).max(500).default([]),
  bcc: z.array(emailAddressIn('Bcc')).max(500).default([]),
  replyTo: z.array(emailAddressIn('Reply-To')).max(20).optional(),
  subject: singleLine('The subject').pipe(z.string().max(998)),
  text: z.string().max(25 * 1024 * 1024),
  /** The same message as HTML: sent as multipart/alternative beside `text`. */
  html: z.string().max(25 * 1024 * 1024).optional(),
  attachments: z
    .array(attachmentSchema)
    .max(100, 'A message may carry at most 100 attachments.')
    .optional()
    .superRefine((attachments = [], ctx) => {
      const total = attachments.reduce((sum, a) => sum + base64DecodedLength(a.contentBase64), 0);
      if (total > MAX_ATTACHMENTS_BYTES) {
        ctx.addIssue({
          code: 'custom',
          message: `Attachments may come to at most ${MAX_ATTACHMENTS_LABEL} in all; these come to ${megabytes(total)}.`,
        });
      }
      const ids = attachments.flatMap((a) => (a.contentId ? [a.contentId.toLowerCase()] : []));
      if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'Two inline images have the same content ID.' });
    }),
  inReplyTo: messageIdRefIn('In-Reply-To').optional(),
  references: z.array(messageIdRefIn('References')).max(100).default([]),
});
export type OutgoingMessage = z.input<typeof outgoingMessageSchema>;

export const sendResultSchema = z.object({
  messageId: z.string(),
  accepted: z.array(z.string()),
  rejected: z.array(z.string()),
  serverReply: z.string(),
});
export type SendResult = z.infer<typeof sendResultSchema>;

/**
 * Account discovery (accounts.discover): where server settings were found, in the order they are
 * tried (the first that answers wins): the provider's own config file, Thunderbird's ISPDB, the
 * ISPDB entry of the domain that hosts the address's mail (MX), RFC 6186 SRV records, guessing.
 */
export const discoverySourceKindSchema = z.enum(['provider', 'ispdb', 'ispdb-mx', 'srv', 'guess']);
export type DiscoverySourceKind = z.infer<typeof discoverySourceKindSchema>;

/** One place asked: its kind and where exactly (a URL, a DNS name, host:port), for the person to see. */
export const discoverySourceSchema = z.object({ kind: discoverySourceKindSchema, where: z.string().max(2000) });
export type DiscoverySource = z.infer<typeof discoverySourceSchema>;

/** How a config file says the client proves who it is (config-v1.1.xml's names), in its order of preference. */
export const discoveredAuthenticationSchema = z.enum([
  'password-cleartext',
  'password-encrypted',
  'OAuth2',
  'NTLM',
  'GSSAPI',
  'client-IP-address',
  'TLS-client-cert',
  'none',
]);
export type DiscoveredAuthentication = z.infer<typeof discoveredAuthenticationSchema>;

/** A found server, as editable settings. 'none' (plaintext) is shown as found, never chosen silently. */
export const discoveredServerSchema = z.object({
  protocol: z.enum(['imap', 'pop3', 'smtp']),
  host: hostName,
  port,
  security: z.enum(['tls', 'starttls', 'none']),
  authentication: z.array(discoveredAuthenticationSchema).max(10),
  /** The login name, placeholders (%EMAILADDRESS%...) already filled in. */
  username: z.string().max(1000),
  /** POP3 only: what the provider suggests keeping on the server. */
  pop3: z
    .object({
      leaveMessagesOnServer: z.boolean().optional(),
      downloadOnBiff: z.boolean().optional(),
      daysToLeaveMessagesOnServer: z.number().int().nonnegative().optional(),
    })
    .optional(),
  source: discoverySourceSchema,
});
export type DiscoveredServer = z.infer<typeof discoveredServerSchema>;

/** What one place answered: 'incomplete' found only incoming or only outgoing servers. */
export const discoveryAttemptSchema = discoverySourceSchema.extend({
  outcome: z.enum(['found', 'incomplete', 'not-found', 'failed', 'timed-out', 'not-needed']),
  error: z.optional(appErrorSchema),
});
export type DiscoveryAttempt = z.infer<typeof discoveryAttemptSchema>;

/** Whether logging in to one server worked: 'skipped' when it was not tried (and `error` says why). */
export const serverCheckSchema = z.object({
  protocol: z.enum(['imap', 'pop3', 'smtp']),
  host: z.string(),
  port,
  outcome: z.enum(['ok', 'failed', 'skipped']),
  error: z.optional(appErrorSchema),
});
export type ServerCheck = z.infer<typeof serverCheckSchema>;

export const discoveryResultSchema = z.object({
  email: z.string(),
  /** The provider's name from its config file, if it gave one. */
  displayName: z.string().optional(),
  /** The place whose answer is used, or null when nothing was found (manual settings then). */
  source: discoverySourceSchema.nullable(),
  /** IMAP and/or POP3 servers, the preferred first. */
  incoming: z.array(discoveredServerSchema),
  /** SMTP servers, the preferred first. */
  outgoing: z.array(discoveredServerSchema),
  /** Every place asked and what it answered, in priority order. */
  attempts: z.array(discoveryAttemptSchema),
  /** With a password: the login checks, in the order tried (stopping at the first that works or a wrong password). */
  verification: z.object({ incoming: z.array(serverCheckSchema), outgoing: z.array(serverCheckSchema) }).optional(),
});
export type DiscoveryResult = z.infer<typeof discoveryResultSchema>;

/** A server to check (accounts.verify): settings as the person may have edited them. */
export const serverToVerifySchema = discoveredServerSchema.omit({ source: true, pop3: true }).extend({
  authentication: z.array(discoveredAuthenticationSchema).max(10).default(['password-cleartext']),
});
export type ServerToVerify = z.input<typeof serverToVerifySchema>;

/** Where the app keeps passwords and tokens: the OS keychain, an encrypted file (Electron safeStorage), or memory for this run. */
export const secretStorageKindSchema = z.enum(['keychain', 'encrypted-file', 'memory']);
export type SecretStorageKind = z.infer<typeof secretStorageKindSchema>;

/**
 * What the sender's domain publishes about who may send its mail (accounts.checkDomain):
 * information to show after setup, never a reason to refuse anything.
 */
export const domainCheckSchema = z.object({
  domain: z.string(),
  smtpHost: z.string(),
  /** The SMTP server's addresses that were checked. */
  addresses: z.array(z.string()),
  spf: z.object({
    /** RFC 7208 results: 'pass' for every address is the good case; 'none' means no SPF record. */
    result: z.enum(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']),
    record: z.string().optional(),
    /** Each address's own result. */
    byAddress: z.array(z.object({ address: z.string(), result: z.string() })),
    explanation: z.string(),
  }),
  dmarc: z.object({
    policy: z.enum(['none', 'quarantine', 'reject']).nullable(),
    record: z.string().optional(),
    /** The record was found on the organizational domain, not the address's own. */
    fromOrganizationalDomain: z.boolean(),
    explanation: z.string(),
  }),
  /** Set when DNS could not be asked at all (the rest then says so). */
  error: z.optional(appErrorSchema),
});
export type DomainCheck = z.infer<typeof domainCheckSchema>;
