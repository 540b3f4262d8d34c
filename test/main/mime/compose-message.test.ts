import { randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../main/mime/compose-message.js';
import { outgoingMessageSchema, type Account, type OutgoingMessage } from '../../../shared/schemas.js';
import { testAccount } from '../../support/test-account.js';

const ACCOUNT = testAccount({ name: 'Alice Example' });

/** Composes as the outbox does (composeMessage, then nodemailer's MailComposer) and parses the bytes back. */
async function roundTrip(message: Partial<OutgoingMessage>, account: Account = ACCOUNT) {
  const parsedInput = outgoingMessageSchema.parse({
    accountId: account.id,
    to: ['bob@example.test'],
    subject: 'Hello',
    text: 'Hi Bob',
    ...message,
  });
  const mail = composeMessage(account, parsedInput);
  const raw = await new MailComposer(mail).compile().build();
  const parsed = await simpleParser(raw);
  const headerEnd = raw.indexOf('\r\n\r\n');
  return { mail, raw, parsed, header: raw.subarray(0, headerEnd).toString('latin1') };
}

function addresses(field: AddressObject | AddressObject[] | undefined) {
  return [field ?? []].flat().flatMap((a) => a.value.map(({ name, address }) => ({ name, address })));
}

/** Every header byte is 7-bit: non-ASCII text went out as RFC 2047 encoded words. */
function expectAsciiHeader(header: string) {
  expect(/^[\x20-\x7e\r\n\t]*$/.test(header)).toBe(true);
}

describe('composing a message', () => {
  const scripts = {
    Cyrillic: { name: 'Алиса Петрова', subject: 'Привет, как дела? Ёжик в тумане' },
    CJK: { name: '山田 花子', subject: '会議の議事録 — 你好，世界 — 안녕하세요' },
    emoji: { name: 'Alice 🦊 the 🚀 sender', subject: 'Party 🎉🎂 tonight 👨‍👩‍👧‍👦 🇫🇷' },
    'mixed and long': {
      name: 'Zoë “Quoted, with comma” Ωmega',
      subject: 'Ελληνικά العربية עברית हिन्दी ไทย — a subject long enough to be folded over several encoded words '.repeat(3).trim(),
    },
  };

  for (const [script, { name, subject }] of Object.entries(scripts)) {
    it(`encodes a ${script} display name and subject with RFC 2047 and decodes them back exactly`, async () => {
      const { header, parsed } = await roundTrip({ subject }, { ...ACCOUNT, name });
      expectAsciiHeader(header);
      expect(header).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/m);
      expect(header).toMatch(/^From: =\?UTF-8\?[BQ]\?/m);
      expect(parsed.subject).toBe(subject);
      expect(addresses(parsed.from)).toEqual([{ name, address: 'alice@example.test' }]);
    });
  }

  it('writes From with the display name, To and Cc, and Date', async () => {
    const before = Date.now();
    const { parsed } = await roundTrip({ to: ['bob@example.test', 'dave@example.test'], cc: ['carol@example.test'] });
    expect(addresses(parsed.from)).toEqual([{ name: 'Alice Example', address: 'alice@example.test' }]);
    expect(addresses(parsed.to).map((a) => a.address)).toEqual(['bob@example.test', 'dave@example.test']);
    expect(addresses(parsed.cc).map((a) => a.address)).toEqual(['carol@example.test']);
    expect(parsed.date!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(parsed.date!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('puts Bcc in the envelope only, never in a header', async () => {
    const { mail, raw, header, parsed } = await roundTrip({
      to: ['bob@example.test'],
      cc: ['carol@example.test'],
      bcc: ['secret.watcher@example.test', 'second.blind@example.test'],
    });
    expect(header).not.toMatch(/^Bcc:/im);
    expect(raw.toString('latin1')).not.toContain('secret.watcher');
    expect(raw.toString('latin1')).not.toContain('second.blind');
    expect(parsed.bcc).toBeUndefined();
    expect(mail.envelope).toEqual({
      from: 'alice@example.test',
      to: ['bob@example.test', 'carol@example.test', 'secret.watcher@example.test', 'second.blind@example.test'],
    });
  });

  it('lists each recipient once in the envelope', async () => {
    const { mail } = await roundTrip({ to: ['bob@example.test'], cc: ['Bob@example.test'], bcc: ['bob@example.test', 'c@example.test'] });
    expect(mail.envelope.to).toEqual(['bob@example.test', 'c@example.test']);
  });

  it('sends text with an HTML alternative as multipart/alternative', async () => {
    const text = 'Hi Bob,\nsee the *plan*.\n— Alice';
    const html = '<p>Hi Bob,</p><p>see the <b>plan</b>.</p><p>— Alice</p>';
    const { header, parsed } = await roundTrip({ text, html });
    expect(header).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(parsed.text?.replace(/\n$/, '')).toBe(text);
    expect(parsed.html).toContain('<b>plan</b>');
    expect(parsed.html).toContain('— Alice');
  });

  it('carries attachments byte for byte, binary included, under names in any script', async () => {
    const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(300_000)]);
    const pdfLike = Buffer.from('%PDF-1.7\r\n\x00\xff\r\n.\r\n..\n\r', 'latin1');
    const { header, parsed } = await roundTrip({
      text: 'two files',
      attachments: [
        { filename: 'данные 📊.bin', contentType: 'application/octet-stream', contentBase64: binary.toString('base64') },
        { filename: 'report.pdf', contentType: 'application/pdf', contentBase64: pdfLike.toString('base64') },
        { filename: 'empty.txt', contentType: 'text/plain', contentBase64: '' },
      ],
    });
    expectAsciiHeader(header);
    expect(header).toMatch(/^Content-Type: multipart\/mixed;/m);
    expect(parsed.attachments).toHaveLength(3);
    const [first, second, third] = parsed.attachments;
    expect(first!.filename).toBe('данные 📊.bin');
    expect(first!.contentType).toBe('application/octet-stream');
    expect(Buffer.compare(first!.content, binary)).toBe(0);
    expect(first!.contentDisposition).toBe('attachment');
    expect(second!.filename).toBe('report.pdf');
    expect(Buffer.compare(second!.content, pdfLike)).toBe(0);
    expect(third!.filename).toBe('empty.txt');
    expect(third!.content.length).toBe(0);
    expect(parsed.text?.trim()).toBe('two files');
  });

  it('puts an inline image in multipart/related with its Content-ID, beside a regular attachment', async () => {
    const png = randomBytes(2048);
    const { raw, parsed } = await roundTrip({
      text: 'Our logo is above.',
      html: '<p><img src="cid:logo.1@mua.example" alt="logo"></p><p>Our logo is above.</p>',
      attachments: [
        { filename: 'logo.png', contentType: 'image/png', contentBase64: png.toString('base64'), contentId: 'logo.1@mua.example' },
        { filename: 'notes.txt', contentType: 'text/plain', contentBase64: Buffer.from('notes').toString('base64') },
      ],
    });
    const text = raw.toString('latin1');
    expect(text).toMatch(/Content-Type: multipart\/mixed;/);
    expect(text).toMatch(/Content-Type: multipart\/related;/);
    expect(text).toMatch(/Content-Type: multipart\/alternative;/);
    // The image part sits inside the related part, after the HTML, with its Content-ID.
    const related = text.slice(text.indexOf('multipart/related'));
    expect(related.indexOf('text/html')).toBeLessThan(related.indexOf('image/png'));
    expect(text).toMatch(/^Content-Id: <logo\.1@mua\.example>$/im);

    const logo = parsed.attachments.find((a) => a.filename === 'logo.png')!;
    expect(logo.contentId).toBe('<logo.1@mua.example>');
    expect(logo.related).toBe(true);
    expect(logo.contentDisposition).toBe('inline');
    expect(Buffer.compare(logo.content, png)).toBe(0);
    const notes = parsed.attachments.find((a) => a.filename === 'notes.txt')!;
    expect(notes.related).toBeFalsy();
    expect(notes.contentDisposition).toBe('attachment');
  });

  it('gives the Message-ID on the sender’s domain, and the same one to the caller', async () => {
    const { mail, parsed } = await roundTrip({});
    expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);
    expect(parsed.messageId).toBe(mail.messageId);
    const second = await roundTrip({});
    expect(second.mail.messageId).not.toBe(mail.messageId);
  });

  it('writes an internationalized sender domain in the Message-ID as its A-label', async () => {
    const { mail } = await roundTrip({}, { ...ACCOUNT, email: 'alice@пример.рф' });
    expect(mail.messageId).toMatch(/@xn--e1afmkfd\.xn--p1ai>$/);
  });

  it('writes In-Reply-To and References for a reply', async () => {
    const { header, parsed } = await roundTrip({
      subject: 'Re: Plans',
      inReplyTo: '<original.2@example.test>',
      references: ['<root.1@example.test>', '<original.2@example.test>'],
    });
    expect(header).toMatch(/^In-Reply-To: <original\.2@example\.test>$/m);
    expect(parsed.inReplyTo).toBe('<original.2@example.test>');
    expect(parsed.references).toEqual(['<root.1@example.test>', '<original.2@example.test>']);
  });

  it('writes no In-Reply-To or References for a new message', async () => {
    const { header } = await roundTrip({});
    expect(header).not.toMatch(/^(In-Reply-To|References):/im);
  });

  it('writes Reply-To', async () => {
    const { parsed } = await roundTrip({ replyTo: ['team@example.test', 'alice.private@example.test'] });
    expect(addresses(parsed.replyTo).map((a) => a.address)).toEqual(['team@example.test', 'alice.private@example.test']);
  });

  it('keeps nodemailer away from files and URLs: content comes only from the bytes given', async () => {
    const { mail, parsed } = await roundTrip({ html: '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">' });
    expect(mail.disableFileAccess).toBe(true);
    expect(mail.disableUrlAccess).toBe(true);
    expect(parsed.attachments).toEqual([]);
  });

  it('declares 8-bit content only where there is some: a UTF-8 local part in a header', async () => {
    const plain = await roundTrip({ subject: 'Ünïcödé subject', text: 'Grüße' });
    expect(plain.mail.envelope.use8BitMime).toBeUndefined();
    expect(/[\x80-\xff]/.test(plain.raw.toString('latin1'))).toBe(false);

    const intl: { mail: { envelope: { use8BitMime?: boolean } }; parsed: ParsedMail } = await roundTrip({ to: ['пример@пример.рф'] });
    expect(intl.mail.envelope.use8BitMime).toBe(true);
    expect(addresses(intl.parsed.to).map((a) => a.address)).toEqual(['пример@пример.рф']);
  });
});
