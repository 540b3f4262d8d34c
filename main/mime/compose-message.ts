import { randomUUID } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { Account } from '../../shared/schemas.js';
import type { outgoingMessageSchema } from '../../shared/schemas.js';
import type { z } from 'zod';

export type ParsedOutgoing = z.output<typeof outgoingMessageSchema>;

/**
 * The message as nodemailer's composer should build it. Bcc goes in the envelope only: the
 * composer never writes a Bcc header for SMTP, and we pass the envelope explicitly so that
 * stays true whatever the composer's defaults become.
 */
export function composeMessage(account: Account, message: ParsedOutgoing): SendMailOptions & { messageId: string } {
  const domain = account.email.slice(account.email.lastIndexOf('@') + 1);
  const messageId = `<${randomUUID()}@${domain}>`;
  return {
    from: { name: account.name, address: account.email },
    to: message.to,
    cc: message.cc.length ? message.cc : undefined,
    subject: message.subject,
    text: message.text,
    messageId,
    date: new Date(),
    inReplyTo: message.inReplyTo,
    references: message.references.length ? message.references : undefined,
    envelope: {
      from: account.email,
      to: [...message.to, ...message.cc, ...message.bcc],
    },
    // Refuse nodemailer's URL and file loaders: content comes only from what the user composed.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
