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

const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** A MIME type the contract accepts for an attachment: the given one when it is one (and not multipart/*), else application/octet-stream. */
export function attachableContentType(type: string): string {
  return MIME_TYPE.test(type) && !/^multipart\//i.test(type) ? type : 'application/octet-stream';
}

/** A file name the contract accepts: one line, no control characters, at most 255 characters ("attachment" when nothing is left). */
export function attachableFilename(name: string | null | undefined): string {
  const clean = (name ?? '').replace(/[\x00-\x1f\x7f]/g, '').trim();
  return (clean || 'attachment').slice(0, 255);
}
