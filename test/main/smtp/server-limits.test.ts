import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { outgoingMessageSchema, type Account, type AccountInput } from '../../../shared/schemas.js';
import { composeMessage } from '../../../main/mime/compose-message.js';
import { PooledSmtpSender } from '../../../main/smtp/pooled-sender.js';
import { capabilitiesFromEhlo, ehloLines, messageTooLarge, ServerLimits, sizeLimitFromError } from '../../../main/smtp/server-limits.js';
import { outboxItem, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { servicesAndFakeSmtp } from '../../support/fake-smtp.js';
import { testbed, user } from '../../support/testbed.js';

const POSTFIX_LIMIT = 31457280;

const { service, fakeSmtp } = servicesAndFakeSmtp();

function asAccount(input: AccountInput, id: string): Account {
  const { password: _password, ...rest } = input;
  return { ...rest, id, sentCopy: 'append' } as Account;
}

describe('reading EHLO', () => {
  it('finds SIZE, SMTPUTF8 and 8BITMIME in the reply', () => {
    const lines = ehloLines('250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 31457280\r\n250-8BITMIME\r\n250 SMTPUTF8');
    expect(lines).toEqual(['PIPELINING', 'SIZE 31457280', '8BITMIME', 'SMTPUTF8']);
    expect(capabilitiesFromEhlo(lines)).toEqual({ sizeLimit: 31457280, smtpUtf8: true, eightBitMime: true });
  });

  it('reads SIZE without a number, SIZE 0 and no SIZE as no known limit', () => {
    expect(capabilitiesFromEhlo(['SIZE']).sizeLimit).toBeNull();
    expect(capabilitiesFromEhlo(['SIZE 0']).sizeLimit).toBeNull();
    expect(capabilitiesFromEhlo(['PIPELINING', 'AUTH PLAIN'])).toEqual({ sizeLimit: null, smtpUtf8: false, eightBitMime: false });
  });

  it('reads the limit out of nodemailer’s own size refusal', () => {
    expect(sizeLimitFromError(Object.assign(new Error('Message size larger than allowed 4000'), { code: 'EMESSAGE' }))).toBe(4000);
    expect(sizeLimitFromError(Object.assign(new Error('Message failed'), { code: 'EMESSAGE' }))).toBeUndefined();
    expect(sizeLimitFromError(Object.assign(new Error('larger than allowed 4000'), { code: 'EAUTH' }))).toBeUndefined();
  });
});

describe('the per-account cache', () => {
  const account = { id: 'acc_limits_1', smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' as const } };

  it('knows nothing at first, so nothing is refused', () => {
    const limits = new ServerLimits();
    expect(limits.get(account)).toBeUndefined();
    expect(() => limits.checkMessageSize(account, 10 ** 9)).not.toThrow();
  });

  it('refuses a message over the learned SIZE with MESSAGE_TOO_LARGE and both sizes', () => {
    const limits = new ServerLimits();
    limits.learnFromEhlo(account, ['SIZE 10485760']);
    expect(() => limits.checkMessageSize(account, 10485760)).not.toThrow();
    let thrown: unknown;
    try {
      limits.checkMessageSize(account, 15_000_000);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).toDto()).toEqual({
      code: 'MESSAGE_TOO_LARGE',
      message: 'The message is 14.3 MB, but smtp.example.test accepts at most 10.0 MB. Remove an attachment or make it smaller.',
      details: { size: '15000000', limit: '10485760', host: 'smtp.example.test' },
    });
  });

  it('keeps what it learned per account, host and port', () => {
    const limits = new ServerLimits();
    limits.learnFromEhlo(account, ['SIZE 1000']);
    expect(() => limits.checkMessageSize({ ...account, id: 'acc_limits_2' }, 5000)).not.toThrow();
    expect(() => limits.checkMessageSize({ ...account, smtp: { ...account.smtp, port: 465 } }, 5000)).not.toThrow();
    expect(() => limits.checkMessageSize({ ...account, smtp: { ...account.smtp, host: 'other.example.test' } }, 5000)).not.toThrow();
    expect(() => limits.checkMessageSize(account, 5000)).toThrow(AppError);
  });

  it('trusts what it learned for an hour, then asks the server again', () => {
    let now = 1_000_000;
    const limits = new ServerLimits(60 * 60_000, () => now);
    limits.learnFromEhlo(account, ['SIZE 1000']);
    now += 60 * 60_000;
    expect(() => limits.checkMessageSize(account, 5000)).toThrow(AppError);
    now += 1;
    expect(limits.get(account)).toBeUndefined();
    expect(() => limits.checkMessageSize(account, 5000)).not.toThrow();
  });

  it('words sizes that round alike in bytes', () => {
    expect(messageTooLarge(1_048_577, 1_048_576, 'h').message).toBe(
      'The message is 1,048,577 bytes, but h accepts at most 1,048,576 bytes. Remove an attachment or make it smaller.',
    );
  });
});

describe('a server with a small SIZE (fake)', () => {
  it('first contact: nodemailer refuses after EHLO, before MAIL FROM; MESSAGE_TOO_LARGE has both sizes; the retry never connects', async () => {
    const server = await fakeSmtp({ size: 4000 });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account()));
    const item = await sendAndSettle(app, { accountId: alice.id, to: ['bob@example.test'], subject: 'big', text: 'x'.repeat(10_000) });
    expect(item).toMatchObject({ state: 'failed', error: { code: 'MESSAGE_TOO_LARGE', details: { limit: '4000' } } });
    // A draft declares the size of its own content (the composed message is a little larger):
    // an estimate that never overstates, as RFC 1870 allows.
    const size = Number(item.error!.details!.size);
    expect(size).toBeGreaterThanOrEqual(10_000);
    expect(item.error!.message).toContain('accepts at most 4,000 bytes');
    expect(server.mailFroms).toEqual([]);
    expect(server.delivered).toEqual([]);
    expect(server.connections).toBe(1);

    // The limit is known now: asked again, the sender refuses without connecting.
    server.dropConnections();
    value(await app.client.invoke('outbox.retry', { id: item.id }));
    const again = await outboxItem(app, item.id, (i) => i.attempts === 2 && i.state === 'failed');
    expect(again.error).toMatchObject({ code: 'MESSAGE_TOO_LARGE', details: { size: String(size), limit: '4000' } });
    expect(server.connections).toBe(1);
    expect(server.mailFroms).toEqual([]);
  });

  it('learns SIZE from the EHLO of a successful send and refuses the next large message before connecting', async () => {
    const server = await fakeSmtp({ size: 4000 });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account()));
    const small = await sendAndSettle(app, { accountId: alice.id, to: ['bob@example.test'], subject: 'small', text: 'hi' });
    expect(small.state).toBe('sent');
    expect(server.connections).toBe(1);
    server.dropConnections();

    // Known now, the limit refuses the message at Send: it never enters the outbox.
    const big = await app.client.invoke('mail.send', { accountId: alice.id, to: ['bob@example.test'], subject: 'big', text: 'y'.repeat(10_000) });
    expect(big).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_LARGE', details: { limit: '4000' } } });
    expect(app.outbox.list().map((i) => i.subject)).toEqual(['small']);
    expect(server.connections).toBe(1);
    expect(server.mailFroms).toHaveLength(1);
  });

  it('lets through a message within the limit, and one of any size where the server declares none', async () => {
    const server = await fakeSmtp({ size: 0, hideSize: true });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account()));
    const item = await sendAndSettle(app, { accountId: alice.id, to: ['bob@example.test'], subject: 'any', text: 'z'.repeat(50_000) });
    expect(item.state).toBe('sent');
  });
});

describe('the test bed’s Postfix (message_size_limit 31457280)', () => {
  it.each(['submission', 'tls'] as const)('probe over %s: EHLO after TLS says SIZE 31457280, with no AUTH', async (smtp) => {
    const limits = new ServerLimits();
    const account = asAccount(testbedAccount('alice', { smtp }), 'acc_postfix_probe');
    const found = await limits.probe(account);
    expect(found).toMatchObject({ sizeLimit: POSTFIX_LIMIT, eightBitMime: true });
    expect(limits.get(account)?.sizeLimit).toBe(POSTFIX_LIMIT);
  });

  it('the sender learns the SIZE from a send’s EHLO and then refuses a larger message without reading a byte of it', async () => {
    const input = testbedAccount('alice');
    const account = asAccount(input, 'acc_postfix_sender');
    const sender = new PooledSmtpSender(1_000);
    onTestFinished(() => sender.close());
    const mail = composeMessage(account, outgoingMessageSchema.parse({ accountId: account.id, to: [user('bob').email], subject: 'learn SIZE', text: 'x' }));
    const raw = await new MailComposer(mail).compile().build();
    const accepted = await sender.send(account, input.password, { envelope: mail.envelope, raw: () => Readable.from(raw), size: raw.length });
    expect(accepted.accepted).toEqual([user('bob').email]);
    expect(sender.limits.get(account)?.sizeLimit).toBe(POSTFIX_LIMIT);

    let read = false;
    const refused = sender.send(account, input.password, {
      envelope: mail.envelope,
      raw: () => {
        read = true;
        return Readable.from(raw);
      },
      size: POSTFIX_LIMIT + 1,
    });
    await expect(refused).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE', details: { size: String(POSTFIX_LIMIT + 1), limit: String(POSTFIX_LIMIT) } });
    expect(read).toBe(false);
  });

  it('a 24 MB attachment (about 32 MB as base64) is refused with MESSAGE_TOO_LARGE naming both sizes, and never reaches Postfix’s queue', async () => {
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const item = await sendAndSettle(
      app,
      {
        accountId: alice.id,
        to: [user('bob').email],
        subject: 'too big for Postfix',
        text: 'see attachment',
        attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', contentBase64: randomBytes(24 * 1024 * 1024).toString('base64') }],
      },
      60_000,
    );
    expect(item).toMatchObject({ state: 'failed', error: { code: 'MESSAGE_TOO_LARGE', details: { limit: String(POSTFIX_LIMIT) } } });
    expect(Number(item.error!.details!.size)).toBeGreaterThan(POSTFIX_LIMIT);
    expect(item.error!.message).toMatch(/^The message is 3\d\.\d MB, but 127\.0\.0\.1 accepts at most 30\.0 MB\./);
    const postfixLog = readFileSync(join(testbed().stateDir, 'log', 'postfix.log'), 'utf8');
    expect(postfixLog).not.toContain(item.messageId);
  }, 90_000);
});
