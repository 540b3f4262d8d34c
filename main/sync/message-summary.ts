import type { MessageSummary } from '../../shared/schemas.js';
import type { StoredMessage } from '../store/message-store.js';

/** A stored message as the list shows it. */
export function toSummary(m: StoredMessage): MessageSummary {
  return {
    uid: m.uid,
    messageId: m.messageId ?? undefined,
    from: m.from ?? undefined,
    subject: m.subject,
    date: isoDate(m.date ?? m.internalDate),
    unread: !m.flags.seen,
    size: m.size,
    flagged: m.flags.flagged,
    hasAttachments: m.hasAttachments,
    receivedAt: m.internalDate,
  };
}

/** A Date header far outside what a Date can hold shows as the epoch rather than failing the list. */
function isoDate(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

