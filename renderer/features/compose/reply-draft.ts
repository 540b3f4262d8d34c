import type { ForwardedAttachment } from '../../../shared/compose.js';
import type { ComposeRequest } from '../../../shared/contract.js';
import type { ParsedDraftMessage } from '../../../shared/drafts.js';
import type { OutgoingAttachment, OutgoingMessage } from '../../../shared/schemas.js';

/** An attachment of the message being forwarded, as the composer lists it: where it is, its name, type and size. */
export type ForwardedFile = ForwardedAttachment & { contentType: string; size: number };

export type Draft = {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  /** Written as rich text: the editor's HTML (the composer opens in rich text when it is there). */
  html?: string;
  inReplyTo?: string;
  references: string[];
  /** Files already attached (a draft reopened, a message taken back with undo send). */
  attachments?: OutgoingAttachment[];
  /** A forward's attachments, still in the original: main reads them when the message goes. */
  forwarded?: ForwardedFile[];
  /** The saved draft this composition continues (Edit draft): its next save replaces it. */
  draftId?: string;
  /** Who it was written as, when known. */
  identityId?: string;
  /** What it answers: the composer's heading says "Reply" or "Forward" (else "New message"). */
  purpose?: 'reply' | 'forward';
};

/** The composer's heading (and the name of its form), in plain words. */
export function composeTitle(draft: Draft): 'New message' | 'Reply' | 'Forward' {
  if (draft.purpose === 'forward') return 'Forward';
  // A reply reopened from Drafts, or taken back from the outbox, still answers its message.
  if (draft.purpose === 'reply' || draft.inReplyTo) return 'Reply';
  return 'New message';
}

export const EMPTY_DRAFT: Draft = { to: '', cc: '', bcc: '', subject: '', text: '', references: [] };

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
    ...(message.html !== undefined ? { html: message.html } : {}),
    inReplyTo: message.inReplyTo,
    references: message.references ?? [],
    ...(message.attachments?.length ? { attachments: message.attachments } : {}),
  };
}

/** A message from Drafts (drafts.open), to go on writing it. */
export function draftFromSaved(draftId: string, message: ParsedDraftMessage): Draft {
  return {
    to: message.to.join(', '),
    cc: message.cc.join(', '),
    bcc: message.bcc.join(', '),
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    inReplyTo: message.inReplyTo,
    references: message.references,
    ...(message.attachments.length ? { attachments: message.attachments } : {}),
    draftId,
    ...(message.identityId ? { identityId: message.identityId } : {}),
  };
}
