import type { MailboxAddress, MessageDetail } from '../../../shared/schemas.js';
import { formatAddress } from '../../format.js';
import { quotableHtml } from './quote-html.js';
import type { Draft, ForwardedFile } from './reply-draft.js';
import { escapeHtml, textToHtml } from './rich-text.js';

/** The original's words as the composer shows them in rich text: its own HTML (cleaned), or its text as paragraphs. */
function originalAsHtml(message: MessageDetail): string {
  return message.html !== undefined ? quotableHtml(message.html) : textToHtml(message.text);
}

/**
 * A reply addressed to the Reply-To (or the sender), threaded (In-Reply-To the original,
 * References its chain and it), with the original quoted below an attribution line: as "> "
 * lines in plain text and, when the original came as HTML, in a quote (blockquote) in rich text.
 */
export function replyDraft(message: MessageDetail): Draft {
  const recipients = message.replyTo.length ? message.replyTo : message.from ? [message.from] : [];
  const subject = /^re:/i.test(message.subject) ? message.subject : `Re: ${message.subject}`;
  const who = message.from ? formatAddress(message.from) : 'someone';
  const quoted = message.text
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
  const references = message.messageId ? [...message.references, message.messageId] : message.references;
  const attribution = `On ${new Date(message.date).toLocaleString()}, ${who} wrote:`;
  return {
    to: recipients.map(formatAddress).join(', '),
    cc: '',
    bcc: '',
    subject,
    text: `\n\n${attribution}\n${quoted}\n`,
    ...(message.html !== undefined ? { html: `<p></p><p>${escapeHtml(attribution)}</p><blockquote>${originalAsHtml(message)}</blockquote>` } : {}),
    inReplyTo: message.messageId,
    references: references.slice(-20),
    purpose: 'reply',
  };
}

/**
 * Reply all: the reply's recipient (Reply-To, else the sender) in To with the original's other
 * To recipients, its Cc in Cc; the person's own addresses (`self`, any case) and duplicates left
 * out. Quoted and threaded as a reply.
 */
export function replyAllDraft(message: MessageDetail, self: readonly string[]): Draft {
  const reply = replyDraft(message);
  const mine = new Set(self.map((a) => a.toLowerCase()));
  const seen = new Set<string>();
  const keep = (list: readonly MailboxAddress[]) =>
    list.filter((a) => {
      const key = a.address.toLowerCase();
      if (mine.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const direct = message.replyTo.length ? message.replyTo : message.from ? [message.from] : [];
  const to = keep([...direct, ...message.to]);
  const cc = keep(message.cc);
  // Replying to one's own message: it goes to the original recipients, not back to oneself.
  return { ...reply, to: to.map(formatAddress).join(', '), cc: cc.map(formatAddress).join(', ') };
}

/**
 * A forward: "Fwd:" subject, no recipients, the original's header fields and text (or, when it
 * came as HTML, its HTML in rich text) below a divider. Threaded by References only (the
 * original's chain and its Message-ID), not In-Reply-To: a forward is not an answer to its
 * sender. The original's attachments go with it: listed by where they are (`folder`, the
 * original's folder), read by main when the message is sent.
 */
export function forwardDraft(message: MessageDetail, folder?: string): Draft {
  const subject = /^(fwd?|fw):/i.test(message.subject) ? message.subject : `Fwd: ${message.subject}`;
  const header = [
    '---------- Forwarded message ----------',
    `From: ${message.from ? formatAddress(message.from) : '(no sender)'}`,
    `Date: ${new Date(message.date).toLocaleString()}`,
    `Subject: ${message.subject}`,
    message.to.length ? `To: ${message.to.map(formatAddress).join(', ')}` : undefined,
    message.cc.length ? `Cc: ${message.cc.map(formatAddress).join(', ')}` : undefined,
  ].filter((line): line is string => line !== undefined);
  const references = message.messageId ? [...message.references, message.messageId] : message.references;
  const forwarded: ForwardedFile[] =
    folder === undefined
      ? []
      : message.attachments.map((a, index) => ({ folder, uid: message.uid, index, filename: a.filename, contentType: a.contentType, size: a.size }));
  return {
    to: '',
    cc: '',
    bcc: '',
    subject,
    text: `\n\n${header.join('\n')}\n\n${message.text}\n`,
    ...(message.html !== undefined ? { html: `<p></p><p>${header.map(escapeHtml).join('<br>')}</p>${originalAsHtml(message)}` } : {}),
    references: references.slice(-20),
    ...(forwarded.length ? { forwarded } : {}),
    purpose: 'forward',
  };
}
