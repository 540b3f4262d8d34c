import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { JSDOM } from 'jsdom';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withImap } from '../../../main/imap/connect.js';
import { plainTextOf } from '../../../shared/plain-text.js';
import type { Account } from '../../../shared/schemas.js';
import { type Draft } from '../../../renderer/features/compose/reply-draft.js';
import { forwardDraft, replyAllDraft, replyDraft } from '../../../renderer/features/compose/answer-drafts.js';
import { splitAddresses } from '../../../renderer/format.js';
import { inMemoryService, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { user, type TestbedUserName } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

/*
 * What the composer sends, through the real servers: a message written as rich text goes out as
 * multipart/alternative (text/plain derived from the HTML, the HTML sanitized by main, the
 * signature in both); a forward carries the original's attachments, read by main from its kept
 * copy, byte for byte; replies, reply all and forwards made by the composer's own functions
 * thread and quote as they should. Alice writes, Carol receives (and Carol writes the
 * originals). Every subject carries this run's tag, so other tests' mail does not matter.
 */

const tag = randomUUID().slice(0, 8);
let alice: ReturnType<typeof inMemoryService>;
let carol: ReturnType<typeof inMemoryService>;
let aliceId: string;
let carolId: string;

beforeAll(async () => {
  alice = inMemoryService();
  carol = inMemoryService();
  aliceId = value(await alice.client.invoke('accounts.add', { ...testbedAccount('alice'), name: 'Alice Example' })).id;
  carolId = value(await carol.client.invoke('accounts.add', { ...testbedAccount('carol'), name: 'Carol Example' })).id;
});

afterAll(async () => {
  await Promise.all([alice?.stop(), carol?.stop()]);
});

function imapOf(who: TestbedUserName): { account: Account; password: string } {
  const { password, ...input } = testbedAccount(who);
  return { account: { ...input, id: `acc_rich_${who}`, sentCopy: 'append' }, password };
}

/** The raw message in `who`'s Inbox with this subject, read on a connection of the test's own, once it is there. */
function delivered(who: TestbedUserName, subject: string): Promise<Buffer> {
  const { account, password } = imapOf(who);
  return waitFor(
    () =>
      withImap(account, password, async (client: ImapFlow) => {
        const lock = await client.getMailboxLock('INBOX');
        try {
          const uids = await client.search({ subject }, { uid: true });
          if (!uids || uids.length === 0) return undefined;
          const [message] = await client.fetchAll(uids.slice(-1), { source: true }, { uid: true });
          return message?.source;
        } finally {
          lock.release();
        }
      }),
    `“${subject}” in ${who}’s Inbox`,
    20_000,
  );
}

/** The UID of the message with this subject in Alice's Inbox, as her app lists it after a sync. */
async function inAlicesInbox(subject: string): Promise<number> {
  return waitFor(
    async () => {
      value(await alice.client.invoke('folder.sync', { accountId: aliceId, folder: 'INBOX' }));
      const listed = value(await alice.client.invoke('messages.list', { accountId: aliceId, folder: 'INBOX', limit: 200 }));
      return listed.find((m) => m.subject === subject)?.uid;
    },
    `“${subject}” in Alice’s app`,
    20_000,
  );
}

/** What Compose sends for a draft: as plain text, or as rich text with `ownHtml` written above what the draft holds. */
function asSent(draft: Draft, { to, own, ownHtml }: { to?: string; own: string; ownHtml?: string }) {
  const html = ownHtml === undefined ? undefined : `${ownHtml}${draft.html ?? ''}`;
  return {
    accountId: aliceId,
    to: splitAddresses(to ?? draft.to),
    cc: splitAddresses(draft.cc),
    subject: draft.subject,
    ...(html === undefined ? { text: `${own}${draft.text}` } : { html, text: plainTextOf(html) }),
    ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
    references: draft.references,
  };
}

const partTypes = (raw: Buffer) => [...raw.toString('latin1').matchAll(/^Content-Type: ([^;\r\n]+)/gim)].map((m) => m[1]!.toLowerCase());

describe('a message written as rich text', () => {
  it('goes out as multipart/alternative: text/plain derived from the HTML, the HTML sanitized, the signature in both', async () => {
    const identity = value(await alice.client.invoke('identities.list', { accountId: aliceId }))[0]!;
    value(
      await alice.client.invoke('identities.update', {
        accountId: aliceId,
        identityId: identity.id,
        identity: { name: identity.name, email: identity.email, signature: 'Alice Example\nPlans & <Plots>' },
      }),
    );
    const subject = `Rich plan ${tag}`;
    const html =
      '<p>Hello <strong>Carol</strong>, see <a href="https://example.test/plan">the plan</a>.</p>' +
      '<ul><li><p>first</p></li><li><p>second</p></li></ul>' +
      '<script>alert(1)</script><p onclick="steal()" style="background:url(http://127.0.0.1:9/bg)">Click</p>' +
      '<p><a href="javascript:alert(2)">bad link</a><img src="http://127.0.0.1:9/pixel.gif" alt="pixel"></p>' +
      '<iframe src="http://127.0.0.1:9/frame"></iframe>\r\n\r\nX-Injected: yes\r\n';
    try {
      // No text given: main derives it from the (sanitized) HTML.
      const sent = await sendAndSettle(alice, { accountId: aliceId, to: [user('carol').email], subject, text: '', html });
      expect(sent.state).toBe('sent');
    } finally {
      value(await alice.client.invoke('identities.update', { accountId: aliceId, identityId: identity.id, identity: { name: identity.name, email: identity.email } }));
    }

    const raw = await delivered('carol', subject);
    const mail: ParsedMail = await simpleParser(raw);
    expect(partTypes(raw)).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.text).toBe(
      // The CR LF in the HTML is text in its body, never a header line.
      'Hello Carol, see the plan <https://example.test/plan>.\n- first\n- second\n\nClick\nbad link\nX-Injected: yes\n\n-- \nAlice Example\nPlans & <Plots>\n',
    );
    const sentHtml = mail.html as string;
    expect(sentHtml).toContain('<p>Hello <strong>Carol</strong>, see <a href="https://example.test/plan">the plan</a>.</p>');
    expect(sentHtml).toContain('<ul><li><p>first</p></li><li><p>second</p></li></ul>');
    expect(sentHtml).toContain('<p>-- <br>Alice Example<br>Plans &amp; &lt;Plots&gt;</p>');
    expect(sentHtml).toContain('<p>Click</p>');
    expect(sentHtml).not.toMatch(/<script|alert|onclick|style=|javascript:|127\.0\.0\.1|<iframe|<img/i);
  });

  it('quotes the original in a blockquote when replying in rich text, and in "> " lines in its text part, threaded', async () => {
    const subject = `Menu choice ${tag}`;
    const original = await sendAndSettle(carol, {
      accountId: carolId,
      to: [user('alice').email],
      subject,
      text: 'Fish or <b>meat</b>?',
      html: '<p>Fish or <b>meat</b>?</p><p>Carol</p>',
      inReplyTo: '<root.menu@example.test>',
      references: ['<root.menu@example.test>'],
    });
    const uid = await inAlicesInbox(subject);
    const detail = value(await alice.client.invoke('message.open', { accountId: aliceId, folder: 'INBOX', uid }));
    // The composer quotes with the browser's DOMPurify: here jsdom's window stands in for it.
    vi.stubGlobal('window', new JSDOM('').window);
    let draft: Draft;
    try {
      draft = replyDraft(detail);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(draft.html).toBeDefined();
    const sent = await sendAndSettle(alice, asSent(draft, { own: '', ownHtml: '<p>Fish, <em>please</em>.</p>' }));
    expect(sent.state).toBe('sent');

    const raw = await delivered('carol', `Re: ${subject}`);
    const reply = await simpleParser(raw);
    expect(partTypes(raw)).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
    expect(reply.inReplyTo).toBe(original.messageId);
    expect(reply.references).toEqual(['<root.menu@example.test>', original.messageId]);
    expect(reply.html).toMatch(/<p>Fish, <em>please<\/em>\.<\/p><p><\/p><p>On .+, Carol Example &lt;carol@[^&]+&gt; wrote:<\/p><blockquote><p>Fish or <b>meat<\/b>\?<\/p><p>Carol<\/p><\/blockquote>/);
    expect(reply.text).toMatch(/^Fish, please\.\n\nOn .+, Carol Example <carol@[^>]+> wrote:\n> Fish or meat\?\n> Carol$/);
  });
});

describe('replies and forwards made by the composer', () => {
  it('reply and reply all: In-Reply-To the original, References its chain and it, the original quoted with "> "', async () => {
    const subject = `Dinner plan ${tag}`;
    const original = await sendAndSettle(carol, {
      accountId: carolId,
      to: [user('alice').email, user('bob').email],
      subject,
      text: 'Seven?\n> Six was too early',
      inReplyTo: '<b.dinner@example.test>',
      references: ['<a.dinner@example.test>', '<b.dinner@example.test>'],
    });
    const uid = await inAlicesInbox(subject);
    const detail = value(await alice.client.invoke('message.open', { accountId: aliceId, folder: 'INBOX', uid }));

    const reply = replyDraft(detail);
    expect(reply.html).toBeUndefined();
    value(await alice.client.invoke('mail.send', asSent({ ...reply, subject: `${reply.subject} (reply)` }, { own: 'Seven is fine.' })));
    const all = replyAllDraft(detail, [user('alice').email]);
    expect(splitAddresses(all.to).sort()).toEqual([user('bob').email, user('carol').email].sort());
    // Sent to Carol only (Bob's mailbox is not this test's); its recipients were checked above.
    await sendAndSettle(alice, asSent({ ...all, subject: `${all.subject} (all)` }, { to: user('carol').email, own: 'Seven for all.' }));

    for (const [which, own] of [['reply', 'Seven is fine.'], ['all', 'Seven for all.']] as const) {
      const got = await simpleParser(await delivered('carol', `Re: ${subject} (${which})`));
      expect(got.inReplyTo).toBe(original.messageId);
      expect(got.references).toEqual(['<a.dinner@example.test>', '<b.dinner@example.test>', original.messageId]);
      expect(got.text).toMatch(new RegExp(`^${own}\\n\\nOn .+, Carol Example <carol@[^>]+> wrote:\\n> Seven\\?\\n> > Six was too early\\n`));
    }
  });

  it('forward: References only (no In-Reply-To), the original below a divider', async () => {
    const subject = `Party list ${tag}`;
    const original = await sendAndSettle(carol, { accountId: carolId, to: [user('alice').email], subject, text: 'Bring snacks.' });
    const uid = await inAlicesInbox(subject);
    const detail = value(await alice.client.invoke('message.open', { accountId: aliceId, folder: 'INBOX', uid }));
    const draft = forwardDraft(detail, 'INBOX');
    await sendAndSettle(alice, asSent(draft, { to: user('carol').email, own: 'FYI' }));
    const got = await simpleParser(await delivered('carol', `Fwd: ${subject}`));
    expect(got.inReplyTo).toBeUndefined();
    expect(got.references).toBe(original.messageId);
    expect(got.text).toMatch(/^FYI\n\n---------- Forwarded message ----------\nFrom: Carol Example <carol@[^>]+>\n/);
    expect(got.text).toContain('\n\nBring snacks.');
  });
});

describe('forwarding with the original’s attachments', () => {
  // Bytes that break careless handling: NUL, 0xFF, bare CR and LF, a line of one dot, long lines.
  const pdfLike = Buffer.concat([
    Buffer.from('%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj\r\n<< /Type /Catalog >>\r\nendobj\r\n.\r\n..\n\r\x00\xff', 'latin1'),
    Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256)),
    Buffer.from('\r\n%%EOF\r\n', 'latin1'),
  ]);

  it('attaches them from main’s kept copy of the original; the receiver’s copy is byte-identical', async () => {
    const subject = `Quarterly figures ${tag}`;
    await sendAndSettle(carol, {
      accountId: carolId,
      to: [user('alice').email],
      subject,
      text: 'The figures, and a note.',
      attachments: [
        { filename: 'figures.pdf', contentType: 'application/pdf', contentBase64: pdfLike.toString('base64') },
        { filename: 'note.txt', contentType: 'text/plain', contentBase64: Buffer.from('not forwarded').toString('base64') },
      ],
    });
    const uid = await inAlicesInbox(subject);
    const detail = value(await alice.client.invoke('message.open', { accountId: aliceId, folder: 'INBOX', uid }));
    const draft = forwardDraft(detail, 'INBOX');
    expect(draft.forwarded?.map((f) => [f.filename, f.size])).toEqual([
      ['figures.pdf', pdfLike.length],
      ['note.txt', 13],
    ]);
    // The person removed note.txt; figures.pdf goes by reference: no bytes in the request.
    const forwarded = draft.forwarded!.filter((f) => f.filename === 'figures.pdf').map(({ folder, uid: at, index, filename }) => ({ folder, uid: at, index, filename }));
    const sent = await sendAndSettle(alice, { ...asSent(draft, { to: user('carol').email, own: 'See attached.' }), forwarded });
    expect(sent.state).toBe('sent');

    const got = await simpleParser(await delivered('carol', `Fwd: ${subject}`));
    expect(got.attachments.map((a) => [a.filename, a.contentType])).toEqual([['figures.pdf', 'application/pdf']]);
    expect(Buffer.compare(got.attachments[0]!.content, pdfLike)).toBe(0);
  });

  it('refuses an attachment the original no longer has under that name, and queues nothing', async () => {
    const subject = `Quarterly figures ${tag}`;
    const uid = await inAlicesInbox(subject);
    const before = alice.outbox.list().length;
    const reply = await alice.client.invoke('mail.send', {
      accountId: aliceId,
      to: [user('carol').email],
      subject: `Fwd: wrong ${tag}`,
      text: 'x',
      forwarded: [{ folder: 'INBOX', uid, index: 0, filename: 'other.pdf' }],
    });
    expect(reply.ok ? 'ok' : reply.error.code).toBe('NOT_FOUND');
    expect(reply.ok ? '' : reply.error.message).toContain('other.pdf');
    expect(alice.outbox.list().length).toBe(before);
  });
});
