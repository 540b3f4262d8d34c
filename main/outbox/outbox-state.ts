import type { AppErrorDto } from '../../shared/errors.js';
import type { OutboxItem, OutboxState } from '../../shared/outbox.js';
import type { JournalRecord, RejectedRecipient } from './journal.js';

/** The outbox's view of one message, folded from its journal records. */
export type Entry = {
  id: string;
  accountId: string;
  messageId: string;
  subject: string;
  envelope: { from: string; to: string[] };
  size: number;
  sendAt: number;
  queuedAt: number;
  filingAttempts: number;
  phase: 'queued' | 'sending' | 'retrying' | 'sent' | 'failed' | 'cancelled';
  attempts: number;
  retryAt?: number;
  error?: AppErrorDto;
  accepted?: string[];
  rejected?: RejectedRecipient[];
  sentAt?: number;
  filing: 'pending' | 'appended' | 'skipped' | 'deferred';
  filingRetryAt?: number;
};

/** Applies one record. Unknown ids are ignored: their message was compacted away. */
export function apply(entries: Map<string, Entry>, record: JournalRecord): void {
  if (record.type === 'queued') {
    entries.set(record.id, {
      id: record.id,
      accountId: record.accountId,
      messageId: record.messageId,
      subject: record.subject,
      envelope: record.envelope,
      size: record.size,
      sendAt: record.sendAt,
      queuedAt: record.at,
      filingAttempts: 0,
      phase: 'queued',
      attempts: 0,
      filing: 'pending',
    });
    return;
  }
  const entry = entries.get(record.id);
  if (!entry) return;
  switch (record.type) {
    case 'deferred':
      if (record.attempts !== undefined) entry.attempts = record.attempts;
      entry.phase = 'retrying';
      entry.error = record.error;
      entry.retryAt = record.retryAt;
      break;
    case 'accepted':
      entry.phase = 'sent';
      entry.accepted = record.accepted;
      entry.rejected = record.rejected;
      entry.sentAt = record.at;
      entry.error = undefined;
      entry.retryAt = undefined;
      break;
    case 'failed':
      if (record.attempts !== undefined) entry.attempts = record.attempts;
      entry.phase = 'failed';
      entry.error = record.error;
      entry.retryAt = undefined;
      break;
    case 'cancelled':
      entry.phase = 'cancelled';
      break;
    case 'retry-requested':
      entry.phase = 'queued';
      entry.error = undefined;
      entry.sendAt = record.at;
      break;
    case 'filed':
      entry.filing = record.outcome;
      entry.filingRetryAt = undefined;
      break;
    case 'filing-deferred':
      entry.filing = 'deferred';
      entry.filingAttempts += 1;
      entry.filingRetryAt = record.retryAt;
      break;
  }
}

/**
 * Replays the journal. A message caught mid-send by a crash has no record of the attempt (that
 * lives in memory only), so it comes back queued: whether the server accepted it is unknown only
 * if its 250 arrived in the instant before we recorded it.
 */
export function replay(records: JournalRecord[]): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const record of records) apply(entries, record);
  return entries;
}

export function toDto(entry: Entry, now: number): OutboxItem {
  const state: OutboxState =
    entry.phase === 'queued' && entry.sendAt > now ? 'scheduled' : (entry.phase as Exclude<Entry['phase'], 'cancelled'>);
  const item: OutboxItem = {
    id: entry.id,
    accountId: entry.accountId,
    messageId: entry.messageId,
    subject: entry.subject,
    recipients: entry.envelope.to,
    state,
    sendAt: new Date(entry.sendAt).toISOString(),
    attempts: entry.attempts,
    sentCopy:
      entry.filing === 'appended' ? 'filed' : entry.filing === 'skipped' ? 'not-needed' : entry.filing === 'deferred' ? 'retrying' : 'pending',
  };
  if (entry.retryAt !== undefined && entry.phase === 'retrying') item.retryAt = new Date(entry.retryAt).toISOString();
  if (entry.error) item.error = entry.error;
  if (entry.accepted) item.accepted = entry.accepted;
  if (entry.rejected) item.rejected = entry.rejected;
  if (entry.sentAt !== undefined) item.sentAt = new Date(entry.sentAt).toISOString();
  return item;
}
