import { z } from 'zod';

/**
 * What the composer sends beside the message itself: the attachments of a message being
 * forwarded, named by where the original lies. Main reads them from its kept copy of the
 * original when the message is sent or its draft saved: their bytes never cross the contract.
 */
export const forwardedAttachmentSchema = z
  .object({
    folder: z.string().min(1).max(1000),
    uid: z.number().int().positive(),
    /** Its place among the original's attachments, in the order message.open lists them. */
    index: z.number().int().nonnegative().max(999),
    /**
     * Its name as the composer listed it (null: it had none). Checked against the original when
     * the message goes: a changed original never sends another file in its place.
     */
    filename: z.string().max(1000).nullable(),
  })
  .strict();
export type ForwardedAttachment = z.infer<typeof forwardedAttachmentSchema>;

export const forwardedAttachmentsSchema = z.array(forwardedAttachmentSchema).max(100, 'A message may carry at most 100 attachments.');

/** The HTML of a message written as rich text: main sanitizes it (main/mime/sanitize-composed-html.ts). */
export const composedHtmlSchema = z
  .string()
  .max(25 * 1024 * 1024)
  .refine((v) => !v.includes('\0'), 'The message’s HTML may not contain a NUL character.');

export { attachableContentType, attachableFilename } from './attachment-limits.js';
