import { z } from 'zod';
import { composedHtmlSchema, forwardedAttachmentsSchema } from './compose.js';
import { accountIdSchema, attachmentSchema, identityIdSchema, MAX_ATTACHMENTS_BYTES, base64DecodedLength } from './schemas.js';

/**
 * Drafts and address suggestions: what the composer keeps while a person writes, and the
 * addresses it offers as they type in To, Cc and Bcc.
 */

/** A header line a person typed: one line, no CR or LF (they would break the draft's header). */
const line = (label: string, max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !/[\r\n]/.test(v), { message: `${label} must be a single line (no line breaks).` });

/**
 * A message being written: like mail.send's, but unfinished. Recipients are kept as typed (a
 * half-typed address is still the person's), no recipient is needed, and nothing is checked
 * beyond what keeps the saved message well-formed.
 */
export const draftMessageSchema = z
  .object({
    accountId: accountIdSchema,
    identityId: identityIdSchema.optional(),
    to: z.array(line('A recipient', 998)).max(500).default([]),
    cc: z.array(line('A recipient', 998)).max(500).default([]),
    bcc: z.array(line('A recipient', 998)).max(500).default([]),
    subject: line('The subject', 998).default(''),
    text: z.string().max(25 * 1024 * 1024).default(''),
    /** Written as rich text: its HTML (the draft keeps it, and reopens as rich text). */
    html: composedHtmlSchema.optional(),
    attachments: z
      .array(attachmentSchema)
      .max(100)
      .default([])
      .refine(
        (list) => list.reduce((sum, a) => sum + base64DecodedLength(a.contentBase64), 0) <= MAX_ATTACHMENTS_BYTES,
        'Attachments may come to at most 25 MB in all.',
      ),
    /** A forward's attachments, still in the original: main puts them in the saved draft. */
    forwarded: forwardedAttachmentsSchema.optional(),
    inReplyTo: line('In-Reply-To', 998)
      .pipe(z.string().regex(/^<[^<>\s]+>$/))
      .optional(),
    references: z
      .array(line('References', 998).pipe(z.string().regex(/^<[^<>\s]+>$/)))
      .max(100)
      .default([]),
  })
  .strict();
export type DraftMessage = z.input<typeof draftMessageSchema>;
export type ParsedDraftMessage = z.output<typeof draftMessageSchema>;

/** Names one composition's saved draft across saves (main knows where its latest copy is). */
export const draftIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Not a draft id.');

/** Where a saved draft lies: the account's Drafts folder and its UID there (null when the server did not say). */
export const savedDraftSchema = z.object({ draftId: draftIdSchema, folder: z.string(), uid: z.number().int().positive().nullable() });
export type SavedDraft = z.infer<typeof savedDraftSchema>;

/** An address seen in mail (From, To, Cc of stored messages), with how often and when it was last seen. */
export const addressSuggestionSchema = z.object({
  name: z.string(),
  address: z.string(),
  count: z.number().int().positive(),
  /** ms since epoch. */
  lastSeen: z.number().int(),
});
export type AddressSuggestion = z.infer<typeof addressSuggestionSchema>;
