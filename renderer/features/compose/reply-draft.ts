import type { ComposeRequest } from '../../../shared/contract.js';
import type { MessageDetail, OutgoingMessage } from '../../../shared/schemas.js';
import { formatAddress } from '../../format.js';

export type Draft = {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references: string[];
};

export const EMPTY_DRAFT: Draft = { to: '', cc: '', bcc: '', subject: '', text: '', references: [] };

/** A reply addressed to the Reply-To (or the sender), threaded, with the original quoted. */
export function replyDraft(message: MessageDetail): Draft {
  const recipients = message.replyTo.length ? message.replyTo : message.from ? [message.from] : [];
  const subject = /^re:/i.test(message.subject) ? message.subject : `Re: ${message.subject}`;
  const who = message.from ? formatAddress(message.from) : 'someone';
  const quoted = message.text
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
  const references = message.messageId ? [...message.references, message.messageId] : message.references;
  return {
    to: recipients.map(formatAddress).join(', '),
    cc: '',
    bcc: '',
    subject,
    text: `\n\nOn ${new Date(message.date).toLocaleString()}, ${who} wrote:\n${quoted}\n`,
    inReplyTo: message.messageId,
    references: references.slice(-20),
  };
}

/** A mailto: link main parsed (compose.requested), as the composer shows it. */
export function draftFromComposeRequest(request: ComposeRequest): Draft {
  return {
    to: request.to.join(', '),
    cc: request.cc.join(', '),
    bcc: request.bcc.join(', '),
    subject: request.subject,
    text: request.body,
    references: [],
  };
}

/** A message taken back out of the outbox (undo send), as the composer shows it. */
export function draftFromOutgoing(message: OutgoingMessage): Draft {
  return {
    to: message.to.join(', '),
    cc: (message.cc ?? []).join(', '),
    bcc: (message.bcc ?? []).join(', '),
    subject: message.subject,
    text: message.text,
    inReplyTo: message.inReplyTo,
    references: message.references ?? [],
  };
}
