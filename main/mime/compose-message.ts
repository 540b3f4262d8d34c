import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { SendMailOptions } from 'nodemailer';
import type { Attachment } from 'nodemailer/lib/mailer';
import type { Account, OutgoingAttachment } from '../../shared/schemas.js';
import type { outgoingMessageSchema } from '../../shared/schemas.js';
import type { z } from 'zod';

export type ParsedOutgoing = z.output<typeof outgoingMessageSchema>;

/** The envelope the message is submitted with: never taken from the headers (Bcc lives only here). */
export type ComposedEnvelope = {
  from: string;
  to: string[];
  /**
   * Set when the message holds 8-bit octets (raw UTF-8 headers for an internationalized
   * address, an 8-bit message/* attachment); nodemailer then says BODY=8BITMIME where the
   * server offers it. Everything else is 7-bit: RFC 2047 words, quoted-printable, base64.
   */
  use8BitMime?: boolean;
};

export type ComposedMessage = SendMailOptions & { messageId: string; envelope: ComposedEnvelope };

/**
 * The message as nodemailer's composer should build it: From with the account's display name,
 * To, Cc, Reply-To, a subject and names in any script (the composer writes RFC 2047 words),
 * text with an HTML alternative, attachments and inline images (multipart/related, by
 * Content-ID), a Message-ID on the sender's domain, Date, and In-Reply-To / References for
 * replies. Bcc goes in the envelope only: it is never handed to the composer as a header.
 * Every header value here was checked by the contract for CR and LF (shared/schemas.ts).
 */
export function composeMessage(
  account: Account,
  message: ParsedOutgoing,
  /** Given when a queued message is composed again: it must keep its identity. */
  fixed?: { messageId: string; date: Date },
): ComposedMessage {
  // The chosen identity (main/accounts/send-as.ts sets it), else the account's own name and address.
  const sender = message.from ?? { name: account.name, address: account.email };
  const messageId = fixed?.messageId ?? `<${randomUUID()}@${senderDomain(sender.address)}>`;
  const attachments = (message.attachments ?? []).map(toComposerAttachment);
  const replyTo = message.replyTo ?? [];
  const headerAddresses = [sender.address, ...message.to, ...message.cc, ...replyTo];
  const use8BitMime =
    headerAddresses.some(hasUtf8LocalPart) || attachments.some((a) => /^message\//i.test(a.contentType ?? '') && !isSevenBit(a.content as Buffer));
  const envelope: ComposedEnvelope = { from: sender.address, to: unique([...message.to, ...message.cc, ...message.bcc]) };
  if (use8BitMime) envelope.use8BitMime = true;
  return {
    from: { name: sender.name, address: sender.address },
    to: message.to,
    cc: message.cc.length ? message.cc : undefined,
    replyTo: replyTo.length ? replyTo : undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: attachments.length ? attachments : undefined,
    messageId,
    date: fixed?.date ?? new Date(),
    inReplyTo: message.inReplyTo,
    references: message.references.length ? message.references : undefined,
    envelope,
    // Refuse nodemailer's URL and file loaders: content comes only from the bytes the user gave.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

function toComposerAttachment(attachment: OutgoingAttachment): Attachment {
  const inline = attachment.inline ?? attachment.contentId !== undefined;
  return {
    filename: attachment.filename,
    contentType: attachment.contentType,
    content: Buffer.from(attachment.contentBase64, 'base64'),
    contentDisposition: inline ? 'inline' : 'attachment',
    ...(attachment.contentId ? { cid: attachment.contentId } : {}),
  };
}

/** The Message-ID's right-hand side: the sender's domain, as an A-label (ASCII) so every reader matches it. */
function senderDomain(email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return domainToASCII(domain) || domain;
}

function hasUtf8LocalPart(address: string): boolean {
  return /[^\x00-\x7f]/.test(address.slice(0, address.lastIndexOf('@')));
}

function isSevenBit(bytes: Buffer): boolean {
  return bytes.every((b) => b < 0x80);
}

function unique(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
