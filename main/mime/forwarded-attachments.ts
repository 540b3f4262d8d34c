import { attachableContentType, attachableFilename, type ForwardedAttachment } from '../../shared/compose.js';
import { AppError } from '../../shared/errors.js';
import type { OutgoingAttachment } from '../../shared/schemas.js';
import type { MessageSourceRef } from './parse-message-file.js';
import { readAttachments } from './read-attachments.js';

/** A kept message's source (MailSync.keptSource): downloaded and kept first where there is none. */
export type KeptSources = (accountId: string, folder: string, uid: number) => Promise<MessageSourceRef>;

/**
 * The attachments a forward carries, read out of the account's kept copy of each original: the
 * bytes as they came (mailparser decodes the transfer encoding; nothing is re-encoded in
 * between), under the original's name and type. An attachment whose name is no longer the one
 * the composer listed (the original changed or went) is refused with NOT_FOUND, naming it:
 * never another file in its place.
 */
export async function forwardedAttachments(sources: KeptSources, accountId: string, wanted: readonly ForwardedAttachment[]): Promise<OutgoingAttachment[]> {
  const byMessage = new Map<string, ForwardedAttachment[]>();
  for (const ref of wanted) {
    const key = `${ref.uid}\u0000${ref.folder}`;
    byMessage.set(key, [...(byMessage.get(key) ?? []), ref]);
  }
  const read = new Map<ForwardedAttachment, OutgoingAttachment>();
  for (const refs of byMessage.values()) {
    const { folder, uid } = refs[0]!;
    const source = await sources(accountId, folder, uid);
    const found = await readAttachments(source, new Set(refs.map((r) => r.index)));
    for (const ref of refs) {
      const part = found.find((f) => f.index === ref.index);
      if (!part || part.filename !== ref.filename) {
        throw new AppError('NOT_FOUND', {
          message: `The forwarded attachment ${ref.filename ?? '(no name)'} is no longer in the original message. Remove it and send again.`,
        });
      }
      read.set(ref, {
        filename: attachableFilename(part.filename),
        contentType: attachableContentType(part.contentType),
        contentBase64: part.content.toString('base64'),
      });
    }
  }
  // In the order the composer listed them.
  return wanted.map((ref) => read.get(ref)!);
}

