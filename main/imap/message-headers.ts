import type { FetchMessageObject, FetchQueryObject, ImapFlow, MessageStructureObject } from 'imapflow';
import { MESSAGE_ID, messageIdOf } from '../mime/message-ids.js';
import type { Address, MessageFlags, MessageInput } from '../store/message-store.js';

/**
 * What a header sync asks for each message: the envelope, flags, size, arrival and the structure
 * (only to tell whether it has attachments). Bodies are fetched on open; References, which the
 * ENVELOPE lacks, by withReferences.
 */
export const HEADER_QUERY: FetchQueryObject = {
  uid: true,
  envelope: true,
  flags: true,
  size: true,
  internalDate: true,
  bodyStructure: true,
};

/**
 * Fills in References (for threads) of the replies among `rows`, in place, with one more FETCH
 * for just those. Asking it of every message in the header FETCH cost 14% of a 100,000-message
 * first sync (measured); a message that is no reply (no In-Reply-To) has none to give, and
 * replies are a third to a half of most mailboxes. The mailbox must be selected.
 */
export async function withReferences(client: ImapFlow, rows: MessageInput[]): Promise<void> {
  const replies = rows.filter((r) => r.inReplyTo !== null);
  if (replies.length === 0) return;
  const fetched = await fetchReferences(client, replies.map((r) => r.uid));
  for (const row of replies) row.references = fetched.get(row.uid) ?? [];
}

/**
 * The References of these messages (by UID), in one FETCH of just that header. A UID the server
 * no longer has is missing from the answer. The mailbox must be selected.
 */
export async function fetchReferences(client: ImapFlow, uids: readonly number[]): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  if (uids.length === 0) return found;
  const fetched = await client.fetchAll(uids.join(','), { uid: true, headers: ['references'] }, { uid: true });
  for (const message of fetched) found.set(message.uid, referencesOf(message.headers));
  return found;
}

/** Only the flags: what a resync reads for messages it already has. */
export const FLAGS_QUERY: FetchQueryObject = { uid: true, flags: true };

const SYSTEM_FLAGS = new Set(['\\seen', '\\flagged', '\\answered', '\\draft', '\\deleted', '\\recent']);

/** The flags as the store keeps them: the system flags as booleans, every other keyword as is. */
export function toFlags(flags: Set<string> | undefined): MessageFlags {
  const lower = new Set([...(flags ?? [])].map((f) => f.toLowerCase()));
  return {
    seen: lower.has('\\seen'),
    flagged: lower.has('\\flagged'),
    answered: lower.has('\\answered'),
    draft: lower.has('\\draft'),
    deleted: lower.has('\\deleted'),
    keywords: [...(flags ?? [])].filter((f) => !SYSTEM_FLAGS.has(f.toLowerCase())),
  };
}

/**
 * A fetched message's headers as the store keeps them. Never throws: a message whose headers are
 * garbage still gets a row (with what could be read), so one bad message cannot stop a sync.
 */
export function toMessageInput(message: FetchMessageObject): MessageInput {
  const envelope = message.envelope;
  const sender = envelope?.from?.[0] ?? envelope?.sender?.[0];
  return {
    uid: message.uid,
    messageId: messageIdOf(envelope?.messageId),
    inReplyTo: messageIdOf(envelope?.inReplyTo),
    references: referencesOf(message.headers),
    subject: clean(envelope?.subject ?? ''),
    from: sender ? address(sender) : null,
    to: (envelope?.to ?? []).map(address),
    cc: (envelope?.cc ?? []).map(address),
    date: millis(envelope?.date),
    internalDate: millis(message.internalDate) ?? 0,
    size: message.size ?? 0,
    flags: toFlags(message.flags),
    hasAttachments: hasAttachments(message.bodyStructure),
  };
}

function address(a: { name?: string; address?: string }): Address {
  return { name: clean(a.name ?? ''), address: clean(a.address ?? '') };
}

/** Control characters (a NUL from 8-bit garbage, say) have no place in a list row. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').slice(0, 4000);
}

function millis(value: Date | string | undefined): number | null {
  if (value === undefined) return null;
  const time = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isFinite(time) ? time : null;
}


/** References from the raw header block; a hostile header cannot make the list unbounded. */
function referencesOf(headers: Buffer | undefined): string[] {
  if (!headers) return [];
  const text = headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const line = /^references:(.*)$/im.exec(text)?.[1] ?? '';
  return (line.match(MESSAGE_ID) ?? []).slice(-100);
}

/**
 * Whether the message carries attachments: a part marked as one, or a named part that is not
 * shown inline, or a non-text leaf (an application/pdf without a name is still a file).
 */
export function hasAttachments(node: MessageStructureObject | undefined, depth = 0): boolean {
  if (!node || depth > 50) return false;
  if (node.childNodes?.length) return node.childNodes.some((child) => hasAttachments(child, depth + 1));
  const disposition = node.disposition?.toLowerCase();
  if (disposition === 'attachment') return true;
  if (disposition === 'inline') return false;
  const named = Boolean(node.dispositionParameters?.filename ?? node.parameters?.name);
  const type = node.type?.toLowerCase() ?? 'text/plain';
  return named || !(type.startsWith('text/') || type.startsWith('multipart/') || type === 'message/delivery-status');
}
