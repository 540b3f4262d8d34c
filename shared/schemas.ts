import { z } from 'zod';

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

export const emailAddress = z
  .string()
  .trim()
  .refine((v) => !/[\r\n]/.test(v), { message: 'An address must be a single line.' })
  .pipe(z.email({ error: (issue) => `“${String(issue.input)}” is not a valid email address.` }));

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

export const smtpServerSettingsSchema = serverSettingsSchema.extend({ security: smtpSecuritySchema });
export type SmtpServerSettings = z.infer<typeof smtpServerSettingsSchema>;

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

export const accountInputSchema = z.object({
  name: singleLine('The name').pipe(z.string().trim().min(1, 'Enter your name.').max(200)),
  email: emailAddress,
  password: z.string().min(1, 'Enter the password.').max(4096),
  imap: serverSettingsSchema,
  smtp: smtpServerSettingsSchema,
  /**
   * Who files the copy of sent mail: we do, by IMAP APPEND to Sent, or the provider does it
   * itself (Gmail, many Exchange servers), where a second copy would be a duplicate.
   */
  sentCopy: z.enum(['append', 'provider']).default('append'),
});
export type AccountInput = z.input<typeof accountInputSchema>;
export type ParsedAccountInput = z.output<typeof accountInputSchema>;

export const accountIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Not an account id.');

/** A stored account: what was added, plus a pinned certificate per server where the person trusted one. */
export const accountSchema = accountInputSchema.omit({ password: true }).extend({
  id: accountIdSchema,
  imap: serverSettingsSchema.extend({ pinnedCertificate: pinnedCertificateSchema.optional() }),
  smtp: smtpServerSettingsSchema.extend({ pinnedCertificate: pinnedCertificateSchema.optional() }),
});
export type Account = z.infer<typeof accountSchema>;

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
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;

export const messageDetailSchema = messageSummarySchema.extend({
  to: z.array(mailboxAddressSchema),
  cc: z.array(mailboxAddressSchema),
  replyTo: z.array(mailboxAddressSchema),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()),
  /** The readable text of the message (from its text part, or derived from its HTML). */
  text: z.string(),
});
export type MessageDetail = z.infer<typeof messageDetailSchema>;

const messageIdRef = z
  .string()
  .max(998)
  .regex(/^<[^<>\s]+>$/, 'A message reference must look like <id@host>.');

export const outgoingMessageSchema = z.object({
  accountId: accountIdSchema,
  to: z.array(emailAddress).min(1, 'Add at least one recipient in To.').max(500),
  cc: z.array(emailAddress).max(500).default([]),
  bcc: z.array(emailAddress).max(500).default([]),
  subject: singleLine('The subject').pipe(z.string().max(998)),
  text: z.string().max(25 * 1024 * 1024),
  inReplyTo: messageIdRef.optional(),
  references: z.array(messageIdRef).max(100).default([]),
});
export type OutgoingMessage = z.input<typeof outgoingMessageSchema>;

export const sendResultSchema = z.object({
  messageId: z.string(),
  accepted: z.array(z.string()),
  rejected: z.array(z.string()),
  serverReply: z.string(),
});
export type SendResult = z.infer<typeof sendResultSchema>;
