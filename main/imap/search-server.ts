import type { ImapFlow, SearchObject } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { lockMailbox, mustSucceed } from './set-flags.js';

export type ServerQuery = {
  /** Anywhere in the headers or body (IMAP TEXT). */
  text?: string;
  from?: string;
  to?: string;
  subject?: string;
  /** Received at or after this time (the message's INTERNALDATE; see searchServer on precision). */
  since?: Date;
  /** Received before this time (see searchServer on precision). */
  before?: Date;
  /** true: only unread; false: only read. */
  unseen?: boolean;
  /** true: only flagged; false: only not flagged. */
  flagged?: boolean;
};

function checkDate(name: string, date: Date | undefined): void {
  if (date !== undefined && (!(date instanceof Date) || Number.isNaN(date.getTime()))) {
    throw new AppError('INVALID_ARGUMENT', { message: `The ${name} date is not a valid date.` });
  }
}

/**
 * The UIDs (ascending) of the messages in `folder` that match every given criterion, searched on
 * the server (UID SEARCH): for what the local store does not hold. An empty query matches all.
 *
 * Dates: where the server has WITHIN (RFC 5032; Dovecot does), imapflow sends `since` and
 * `before` as YOUNGER/OLDER seconds from now, so the bounds are exact to the second, by this
 * computer's clock. Without it, IMAP compares dates by day only (SINCE/BEFORE ignore the time):
 * `since` matches from the start of its UTC day, and `before`, unless it is exactly midnight
 * UTC, up to the end of its day (imapflow widens BEFORE so that a since/before pair within one
 * day still matches that day). Either way the caller narrows by exact time from what it fetches
 * if it needs to; the day-precision answer is a superset, never a subset.
 * Strings go as UTF-8 (imapflow adds CHARSET UTF-8 when needed); matching is the server's,
 * usually a case-insensitive substring.
 */
export async function searchServer(client: ImapFlow, folder: string, query: ServerQuery): Promise<number[]> {
  checkDate('since', query.since);
  checkDate('before', query.before);
  const search: SearchObject = {};
  if (query.text) search.text = query.text;
  if (query.from) search.from = query.from;
  if (query.to) search.to = query.to;
  if (query.subject) search.subject = query.subject;
  if (query.since) search.since = query.since;
  if (query.before) search.before = query.before;
  if (query.unseen !== undefined) search.seen = !query.unseen;
  if (query.flagged !== undefined) search.flagged = query.flagged;
  if (Object.keys(search).length === 0) search.all = true;
  // Read-only: a search changes nothing, and EXAMINE leaves \Recent to the client that reads mail.
  const lock = await lockMailbox(client, folder, { readOnly: true });
  try {
    const uids = await mustSucceed(client, 'search this folder', () => client.search(search, { uid: true }));
    return [...uids].sort((a, b) => a - b);
  } finally {
    lock.release();
  }
}
