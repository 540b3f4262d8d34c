import { simpleParser, type AddressObject } from 'mailparser';
import type { Readable } from 'node:stream';
import type { ParsedOutgoing } from '../mime/compose-message.js';

/**
 * Turns a queued message back into what the composer shows (undo send). The outbox keeps only
 * the finished message, not a second copy of the draft: one durable write per Send instead of
 * two. Bcc is the envelope's recipients that no header names.
 */
export async function draftFromMessage(
  raw: Readable,
  accountId: string,
  envelopeTo: string[],
): Promise<ParsedOutgoing> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const to = addresses(mail.to);
  const cc = addresses(mail.cc);
  const named = new Set([...to, ...cc].map((a) => a.toLowerCase()));
  const references = mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
  const draft: ParsedOutgoing = {
    accountId,
    to,
    cc,
    bcc: envelopeTo.filter((a) => !named.has(a.toLowerCase())),
    replyTo: addresses(mail.replyTo),
    subject: mail.subject ?? '',
    // mailparser ends the text with a line break the person did not type.
    text: (mail.text ?? '').replace(/\n$/, ''),
    references,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? 'attachment',
      contentType: a.contentType,
      contentBase64: a.content.toString('base64'),
      ...(a.contentId ? { contentId: a.contentId.replace(/^<|>$/g, '') } : {}),
      ...(a.contentDisposition === 'inline' ? { inline: true } : {}),
    })),
  };
  if (typeof mail.html === 'string') draft.html = mail.html;
  if (mail.inReplyTo) draft.inReplyTo = mail.inReplyTo;
  return draft;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a])).map((a) => a.address ?? '')).filter(Boolean);
}
