import type { MessageFlags, MessageInput } from '../../../main/store/message-store.js';

export const flags = (over: Partial<MessageFlags> = {}): MessageFlags => ({
  seen: false,
  flagged: false,
  answered: false,
  draft: false,
  deleted: false,
  keywords: [],
  ...over,
});

export function message(uid: number, over: Partial<MessageInput> = {}): MessageInput {
  return {
    uid,
    messageId: `<m${uid}@test>`,
    inReplyTo: null,
    references: [],
    subject: `Message ${uid}`,
    from: { name: 'Sender', address: 'sender@example.com' },
    to: [{ name: 'Me', address: 'me@example.com' }],
    cc: [],
    date: Date.UTC(2024, 0, 1) + uid * 60_000,
    internalDate: Date.UTC(2024, 0, 1) + uid * 60_000,
    size: 1000 + uid,
    flags: flags(),
    hasAttachments: false,
    ...over,
  };
}

const alice = { name: 'Alice Smith', address: 'alice@example.com' };
const bob = { name: 'Bob', address: 'bob@example.org' };
const carol = { name: 'Carol', address: 'carol@example.net' };
const dave = { name: 'Dave Müller', address: 'dave@example.com' };

/** A small inbox whose every search answer is known by heart. Keys are the subjects. */
export const INBOX: MessageInput[] = [
  message(1, {
    subject: 'Invoice for March', from: alice, to: [bob], hasAttachments: true,
    bodyText: 'Please find the invoice attached.', internalDate: Date.UTC(2024, 2, 1, 10),
  }),
  message(2, {
    subject: 'Re: Invoice for March', from: bob, to: [alice], cc: [carol], flags: flags({ seen: true, flagged: true }),
    bodyText: 'Thanks, paid.', internalDate: Date.UTC(2024, 2, 2, 9), inReplyTo: '<m1@test>', references: ['<m1@test>'],
  }),
  message(3, {
    subject: 'Lunch on Friday?', from: carol, to: [bob],
    bodyText: 'Shall we meet at noon near the station', internalDate: Date.UTC(2024, 2, 5, 12),
  }),
  message(4, {
    subject: 'Café plans', from: dave, to: [alice], hasAttachments: true, flags: flags({ seen: true }),
    bodyText: 'The quarterly report is ready.', internalDate: Date.UTC(2024, 3, 10, 8),
  }),
];

export const SENT: MessageInput[] = [
  message(1, {
    subject: 'Report draft', from: alice, to: [carol], flags: flags({ seen: true }),
    bodyText: 'Invoice numbers inside.', internalDate: Date.UTC(2024, 1, 15, 23, 30),
  }),
];
