import MailComposer from 'nodemailer/lib/mail-composer';
import { openSettingsFile } from '../../main/accounts/settings-store.js';
import { MessageStore, type Address, type MessageInput } from '../../main/store/message-store.js';
import { applyStep } from '../../main/store/store-writer.js';
import { ThreadIndex } from '../../main/store/threading.js';
import type { Account } from '../../shared/schemas.js';

/**
 * The profile the screen tour walks (test/e2e/screen-tour.test.ts), built directly as the app
 * leaves it after a sync, so no server is needed and every screenshot shows the same mail:
 *
 * - Alice's account: an Inbox of everyday mail, among it an HTML newsletter with a picture from
 *   `imageOrigin` (blocked until allowed), a plain-text message with a PDF attached, and a
 *   conversation of three, her own reply in Sent; an empty Drafts and Trash.
 * - Bob's account: an Inbox of three, so All inboxes has two accounts' mail.
 *
 * Neither account has a password in the keychain: what needs the server asks for it (the password
 * prompt is one of the screens). The messages a screen opens have their source kept in the store.
 * Dates are fixed (spring 2024) and every folder is marked synced a day ahead, so nothing syncs by
 * itself while the tour looks.
 */
export const TOUR = {
  alice: { id: 'acc_tour_alice', name: 'Alice Example', email: 'alice@example.test' },
  bob: { id: 'acc_tour_bob', name: 'Bob Example', email: 'bob@example.test' },
  subjects: {
    newsletter: 'Spring in the garden: the May newsletter',
    contract: 'Signed contract for the new office',
    conversation: 'Design review on Thursday',
    reply: 'Re: Design review on Thursday',
  },
  /** A word that only the conversation's messages have (Search finds them in Inbox and Sent). */
  conversationWord: 'wireframes',
} as const;

const DAY = 86_400_000;
const START = Date.UTC(2024, 4, 6, 8, 30);
const ALICE: Address = { name: TOUR.alice.name, address: TOUR.alice.email };

type Seeded = MessageInput & { source?: Buffer };

const PEOPLE: Address[] = [
  { name: 'Ada Lovelace', address: 'ada@analytical.example' },
  { name: 'Grace Hopper', address: 'grace@navy.example' },
  { name: 'Edsger Dijkstra', address: 'ewd@eindhoven.example' },
  { name: 'Barbara Liskov', address: 'barbara@mit.example' },
  { name: 'Ken Thompson', address: 'ken@bell.example' },
  { name: 'Frances Allen', address: 'fran@ibm.example' },
];
const EVERYDAY = [
  'Lunch on Friday?',
  'Minutes of the budget meeting',
  'Your parcel is on its way',
  'Holiday rota for June',
  'Re: Printer on the second floor',
  'Quarterly figures, first draft',
  'Train tickets for the conference',
  'Welcome to the team, Sam',
  'Invoice 2024-0418',
  'Book club: what we read next',
  'Reminder: fire drill at 11:00',
  'Photos from the picnic',
  'Server maintenance on Sunday night',
  'Re: Can you review my pull request?',
  'Parking permits renewed',
  'Coffee machine repaired',
];

function summary(uid: number, at: number, from: Address, subject: string, extra: Partial<Seeded> = {}): Seeded {
  return {
    uid,
    messageId: `<tour-${uid}-${at}@example.test>`,
    inReplyTo: null,
    references: [],
    subject,
    from,
    to: [ALICE],
    cc: [],
    date: at,
    internalDate: at,
    size: 3_000 + uid * 37,
    flags: { seen: uid % 3 !== 0, flagged: uid % 7 === 0, answered: false, draft: false, deleted: false, keywords: [] },
    hasAttachments: false,
    snippet: `${subject}: a few words of the message, as the list shows them.`,
    ...extra,
  };
}

async function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

/** The newsletter's HTML: headings, a table, a link whose text shows another domain, the picture and a tracking pixel. */
function newsletterHtml(imageOrigin: string): string {
  return `<!doctype html><html><body style="font-family: Georgia, serif; color: #223">
<h1 style="color: #2d6a4f">Spring in the garden</h1>
<p><img src="${imageOrigin}/banner.png" width="480" height="160" alt="Tulips in the front bed"></p>
<p>Dear members, the tulips are out and the vegetable beds are ready for planting. Here is what is on this month.</p>
<table style="border-collapse: collapse">
<tr><th style="text-align: left; padding: 4px 12px 4px 0">Date</th><th style="text-align: left">Event</th></tr>
<tr><td style="padding: 4px 12px 4px 0">11 May</td><td>Seed swap in the greenhouse</td></tr>
<tr><td style="padding: 4px 12px 4px 0">25 May</td><td>Open garden afternoon</td></tr>
</table>
<p>Read more on <a href="https://garden.example/news">garden.example</a>.</p>
<img src="${imageOrigin}/open.gif" width="1" height="1" alt="">
</body></html>`;
}

/** Alice's and Bob's accounts and mail, in `dataDir`; answers the accounts. */
export async function seedTourProfile(dataDir: string, { imageOrigin, imap, smtp }: { imageOrigin: string; imap: Account['imap']; smtp: Account['smtp'] }): Promise<{ alice: Account; bob: Account }> {
  const account = (who: typeof TOUR.alice | typeof TOUR.bob): Account => ({ ...who, imap, smtp, sentCopy: 'append' });
  const alice = account(TOUR.alice);
  const bob = account(TOUR.bob);
  openSettingsFile(dataDir).set('accounts', [alice, bob]);

  const inbox: Seeded[] = EVERYDAY.map((subject, i) => summary(i + 1, START + i * 0.6 * DAY, PEOPLE[i % PEOPLE.length]!, subject));
  let uid = inbox.length;
  const at = (daysAfterStart: number) => START + daysAfterStart * DAY;

  // The conversation: Grace asks, Alice answers (in Sent), Grace answers that.
  const ask = summary(++uid, at(10), PEOPLE[1]!, TOUR.subjects.conversation, {
    messageId: '<design-1@navy.example>',
    snippet: `Could you bring the ${TOUR.conversationWord} for Thursday's design review?`,
    bodyText: `Hi Alice, could you bring the ${TOUR.conversationWord} for Thursday's design review? Grace`,
  });
  const mine = summary(1, at(10.2), ALICE, TOUR.subjects.reply, {
    messageId: '<design-2@example.test>',
    inReplyTo: '<design-1@navy.example>',
    references: ['<design-1@navy.example>'],
    to: [PEOPLE[1]!],
    flags: { seen: true, flagged: false, answered: false, draft: false, deleted: false, keywords: [] },
    snippet: `Yes, the ${TOUR.conversationWord} will be ready.`,
    bodyText: `Yes, the ${TOUR.conversationWord} will be ready. Alice`,
  });
  const answerText = `Thank you! Then we go through the ${TOUR.conversationWord} first and the colours after lunch.\n\nGrace\n\n> Yes, the ${TOUR.conversationWord} will be ready.\n> Alice\n`;
  const answer = summary(++uid, at(10.4), PEOPLE[1]!, TOUR.subjects.reply, {
    messageId: '<design-3@navy.example>',
    inReplyTo: '<design-2@example.test>',
    references: ['<design-1@navy.example>', '<design-2@example.test>'],
    flags: { seen: false, flagged: false, answered: false, draft: false, deleted: false, keywords: [] },
    snippet: answerText.split('\n')[0]!,
    bodyText: answerText,
    source: await compose({
      from: PEOPLE[1]!,
      to: ALICE,
      subject: TOUR.subjects.reply,
      messageId: '<design-3@navy.example>',
      inReplyTo: '<design-2@example.test>',
      references: ['<design-1@navy.example>', '<design-2@example.test>'],
      date: new Date(at(10.4)),
      text: answerText,
    }),
  });
  const contractText = 'Hello Alice,\n\nattached is the contract for the new office, signed by both of us.\nThe keys are at the front desk from Monday.\n\nKen';
  const contract = summary(++uid, at(10.6), PEOPLE[4]!, TOUR.subjects.contract, {
    messageId: '<contract-7@bell.example>',
    hasAttachments: true,
    flags: { seen: true, flagged: true, answered: false, draft: false, deleted: false, keywords: [] },
    snippet: contractText.split('\n')[2]!,
    bodyText: contractText,
    source: await compose({
      messageId: '<contract-7@bell.example>',
      from: PEOPLE[4]!,
      to: ALICE,
      subject: TOUR.subjects.contract,
      date: new Date(at(10.6)),
      text: contractText,
      attachments: [{ filename: 'office-contract.pdf', contentType: 'application/pdf', content: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(48_000, 42)]) }],
    }),
  });
  const garden: Address = { name: 'Garden Club', address: 'news@garden.example' };
  // Read already: opening it in one variant of the tour changes nothing the next one shows.
  const newsletter = summary(++uid, at(10.8), garden, TOUR.subjects.newsletter, {
    messageId: '<may-newsletter@garden.example>',
    flags: { seen: true, flagged: false, answered: false, draft: false, deleted: false, keywords: [] },
    snippet: 'Dear members, the tulips are out and the vegetable beds are ready for planting.',
    source: await compose({
      messageId: '<may-newsletter@garden.example>',
      from: garden,
      to: ALICE,
      subject: TOUR.subjects.newsletter,
      date: new Date(at(10.8)),
      text: 'Spring in the garden. Dear members, the tulips are out and the vegetable beds are ready for planting.',
      html: newsletterHtml(imageOrigin),
    }),
  });
  inbox.push(ask, answer, contract, newsletter);

  const bobsInbox = ['Team outing in June', 'Your library books are due', 'Minutes of the budget meeting'].map((subject, i) =>
    summary(i + 1, at(9.5 + i * 0.5), PEOPLE[(i + 2) % PEOPLE.length]!, subject, { to: [{ name: TOUR.bob.name, address: TOUR.bob.email }] }),
  );

  const store = MessageStore.open(dataDir);
  const threads = new ThreadIndex(store.db);
  try {
    const folders = (accountId: string, content: Partial<Record<'INBOX' | 'Sent' | 'Drafts' | 'Trash', Seeded[]>>) => {
      const roles = { INBOX: 'inbox', Sent: 'sent', Drafts: 'drafts', Trash: 'trash' } as const;
      for (const [path, role] of Object.entries(roles) as [keyof typeof roles, (typeof roles)[keyof typeof roles]][]) {
        const messages = content[path] ?? [];
        const id = store.upsertFolder({ accountId, path, role, uidValidity: 1, uidNext: 1, highestModseq: null, total: 0, unread: 0 });
        const upsert = messages.map(({ source: _source, ...m }) => m);
        applyStep(store, threads, id, { upsert, state: { oldestUid: 1, uidNext: messages.length + 1, syncedAt: Date.now() + DAY } });
        for (const m of messages) if (m.source) store.keepSource(id, m.uid, m.source);
      }
      store.saveFolderList(
        accountId,
        (Object.keys(roles) as (keyof typeof roles)[]).map((path) => {
          const messages = content[path] ?? [];
          return {
            path,
            name: path === 'INBOX' ? 'Inbox' : path,
            role: roles[path],
            delimiter: '/',
            selectable: true,
            subscribed: true,
            total: messages.length,
            unread: messages.filter((m) => !m.flags.seen).length,
          };
        }),
      );
    };
    folders(alice.id, { INBOX: inbox, Sent: [mine] });
    folders(bob.id, { INBOX: bobsInbox });
  } finally {
    store.close();
  }
  return { alice, bob };
}
