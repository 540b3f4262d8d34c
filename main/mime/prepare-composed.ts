import type { ForwardedAttachment } from '../../shared/compose.js';
import { AppError } from '../../shared/errors.js';
import { plainTextOf } from '../../shared/plain-text.js';
import { base64DecodedLength, MAX_ATTACHMENTS_BYTES, type OutgoingAttachment } from '../../shared/schemas.js';
import { forwardedAttachments, type KeptSources } from './forwarded-attachments.js';
import { sanitizeComposedHtml } from './sanitize-composed-html.js';

type Composed = { accountId: string; text: string; html?: string; attachments?: OutgoingAttachment[] };

/**
 * What the composer sent (mail.send, drafts.save), made ready to compose: the HTML of a rich
 * message sanitized (main/mime/sanitize-composed-html.ts), its text/plain part derived from that
 * HTML when none was given, and a forward's attachments read from the original and put after
 * the person's own, within the 25 MB that attachments may come to in all.
 */
export async function prepareComposed<T extends Composed>(message: T, forwarded: readonly ForwardedAttachment[] | undefined, sources: KeptSources): Promise<T> {
  let prepared: T = message;
  if (message.html !== undefined) {
    const html = sanitizeComposedHtml(message.html);
    prepared = { ...prepared, html, text: message.text.trim() ? message.text : plainTextOf(html) };
  }
  if (forwarded?.length) {
    const attachments = [...(message.attachments ?? []), ...(await forwardedAttachments(sources, message.accountId, forwarded))];
    const total = attachments.reduce((sum, a) => sum + base64DecodedLength(a.contentBase64), 0);
    if (total > MAX_ATTACHMENTS_BYTES) {
      throw new AppError('INVALID_ARGUMENT', {
        message: `Attachments may come to at most 25 MB in all; with the forwarded ones these come to ${(total / (1024 * 1024)).toFixed(1)} MB. Remove some and send again.`,
      });
    }
    prepared = { ...prepared, attachments };
  }
  return prepared;
}
