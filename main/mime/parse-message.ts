import { simpleParser, type AddressObject } from 'mailparser';
import type { MailboxAddress, MessageDetail } from '../../shared/schemas.js';

export type ParsedParts = Pick<MessageDetail, 'to' | 'cc' | 'replyTo' | 'inReplyTo' | 'references' | 'text'>;

/**
 * Reads what a person needs from a raw message. mailparser copes with malformed MIME and
 * unknown charsets; whatever it cannot decode is left out rather than failing the whole message.
 */
export async function parseMessage(source: Buffer): Promise<ParsedParts> {
  const mail = await simpleParser(source, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  const references = mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
  return {
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo),
    inReplyTo: mail.inReplyTo || undefined,
    references,
    text: mail.text ?? '',
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): MailboxAddress[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  return objects.flatMap((o) =>
    o.value.flatMap((a) => (a.group ? a.group : [a])).map((a) => ({ name: a.name ?? '', address: a.address ?? '' })),
  );
}
