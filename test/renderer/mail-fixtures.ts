import type { OutboxItem } from '../../shared/outbox.js';
import type { Folder, MessageDetail, MessageSummary } from '../../shared/schemas.js';
import type { ScriptedReply } from './fake-client.js';

/** A folder as folders.list gives it, named as the app shows it (Inbox, or its path's last part); nothing unread unless told. */
export const folder = (path: string, role: Folder['role'], more: Partial<Folder> = {}): Folder => ({
  path,
  name: path === 'INBOX' ? 'Inbox' : path.split('/').pop()!,
  role,
  delimiter: '/',
  total: 0,
  unread: 0,
  selectable: true,
  ...more,
});

/** A message as listed: from Bob, read, not flagged, no attachment, received in uid order. */
export const summary = (uid: number, subject: string, more: Partial<MessageSummary> = {}): MessageSummary => ({
  uid,
  from: { name: 'Bob', address: 'bob@example.test' },
  subject,
  date: '2026-03-02T12:00:00.000Z',
  unread: false,
  size: 1200,
  flagged: false,
  hasAttachments: false,
  receivedAt: uid,
  ...more,
});

/** The message as message.open gives it: its text says which it is; no other recipients unless told. */
export const detail = (m: MessageSummary, more: Partial<MessageDetail> = {}): MessageDetail => ({
  ...m,
  to: [],
  cc: [],
  replyTo: [],
  references: [],
  text: `About ${m.subject}`,
  attachments: [],
  ...more,
});

/** message.open as main answers it: the listed message of that uid, read now that it is open. */
export const opensListed =
  (listed: () => readonly MessageSummary[], more: Partial<MessageDetail> = {}): ScriptedReply =>
  ({ uid }: { uid: number }) => ({ ok: true, value: detail({ ...listed().find((m) => m.uid === uid)!, unread: false }, more) });

/** What mail.send answers: the message in the outbox, waiting out its undo window. */
export const queuedItem = (accountId: string): OutboxItem => ({
  id: '6f1c4a52-2f0e-4a8e-9d55-0c2b7c1f3a10',
  accountId,
  messageId: '<1@example.test>',
  subject: 'Hi',
  recipients: ['bob@example.test'],
  state: 'scheduled',
  sendAt: new Date().toISOString(),
  attempts: 0,
  sentCopy: 'pending',
});

/** What main answers the composer: mail.send queues the message, drafts are saved and discarded, addresses.suggest offers `suggestions`. */
export const composerReplies = (accountId: string, suggestions: { name: string; address: string; count: number; lastSeen: number }[] = []): Record<string, ScriptedReply> => ({
  'mail.send': { ok: true, value: queuedItem(accountId) },
  'addresses.suggest': { ok: true, value: suggestions },
  'drafts.save': { ok: true, value: { draftId: 'draft00001', folder: 'Drafts', uid: 7 } },
  'drafts.discard': { ok: true, value: { discarded: true } },
});
