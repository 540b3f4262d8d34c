import { describe, expect, it } from 'vitest';
import { sendAndSettle, value } from '../../support/accounts.js';
import { servicesAndFakeSmtp } from '../../support/fake-smtp.js';

/** SMTPUTF8 and 8BITMIME are declared in MAIL FROM when the server offers them, and only then. */
const { service, fakeSmtp } = servicesAndFakeSmtp();

describe('a server that offers SMTPUTF8 and 8BITMIME', () => {
  it('gets SMTPUTF8 and BODY=8BITMIME for a recipient with a UTF-8 local part, and the address as is', async () => {
    const server = await fakeSmtp();
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account()));
    const item = await sendAndSettle(app, {
      accountId: alice.id,
      to: ['пример@пример.рф'],
      cc: ['bob@example.test'],
      subject: 'Привет',
      text: 'Ёлки-палки',
    });
    expect(item.state).toBe('sent');
    expect(server.mailFroms).toHaveLength(1);
    const [mailFrom] = server.mailFroms;
    expect(mailFrom!.args).toMatchObject({ SMTPUTF8: true, BODY: '8BITMIME' });
    expect(mailFrom!.smtpUtf8).toBe(true);
    expect(mailFrom!.bodyType).toBe('8bitmime');
    expect(server.rcptTos).toEqual(['пример@пример.рф', 'bob@example.test']);
    // RFC 6532: the header carries the address in UTF-8.
    expect(server.delivered[0]!.raw.toString('utf8')).toMatch(/^To: пример@пример\.рф$/m);
  });

  it('gets SMTPUTF8 for a sender with a UTF-8 local part', async () => {
    const server = await fakeSmtp();
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account({ email: 'алиса@example.test' })));
    const item = await sendAndSettle(app, { accountId: alice.id, to: ['bob@example.test'], subject: 'Hi', text: 'Hi' });
    expect(item.state).toBe('sent');
    expect(server.mailFroms[0]).toMatchObject({ address: 'алиса@example.test', args: { SMTPUTF8: true }, smtpUtf8: true });
  });

  it('gets BODY=8BITMIME but no SMTPUTF8 for ASCII addresses and an 8-bit (UTF-8) body, with SIZE declared (never overstated)', async () => {
    const server = await fakeSmtp();
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account()));
    const item = await sendAndSettle(app, { accountId: alice.id, to: ['bob@bücher.example'], subject: 'Grüße', text: 'Grüße aus Köln' });
    expect(item.state).toBe('sent');
    const [mailFrom] = server.mailFroms;
    expect(mailFrom!.args).toMatchObject({ BODY: '8BITMIME' });
    expect(mailFrom!.args && 'SMTPUTF8' in mailFrom!.args).toBe(false);
    expect(mailFrom!.smtpUtf8).toBe(false);
    // An ASCII local part needs no SMTPUTF8: the domain goes as its A-label (smtp-server shows
    // it decoded; had it gone as UTF-8, nodemailer would have asked for SMTPUTF8, offered here).
    expect(server.rcptTos).toEqual(['bob@bücher.example']);
    expect(server.delivered[0]!.raw.toString('latin1')).toMatch(/^To: bob@xn--bcher-kva\.example$/m);
    // SIZE is declared from the draft before composing: never more than what is then sent.
    const declared = Number(mailFrom!.args && mailFrom!.args.SIZE);
    expect(declared).toBeGreaterThan(0);
    expect(declared).toBeLessThanOrEqual(server.delivered[0]!.raw.length);
  });
});

describe('a server that offers neither', () => {
  it('gets neither parameter for an ordinary message', async () => {
    const server = await fakeSmtp({ hide8BITMIME: true, hideSMTPUTF8: true });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account()));
    const item = await sendAndSettle(app, { accountId: alice.id, to: ['bob@example.test'], subject: 'Grüße', text: 'Grüße' });
    expect(item.state).toBe('sent');
    const args = server.mailFroms[0]!.args || {};
    expect(Object.keys(args)).not.toContain('BODY');
    expect(Object.keys(args)).not.toContain('SMTPUTF8');
    expect(server.mailFroms[0]!.bodyType).toBe('7bit');
  });

  it('refuses a UTF-8 recipient before MAIL FROM, naming the address, with no AUTH and no message byte sent', async () => {
    const server = await fakeSmtp({ hideSMTPUTF8: true });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', server.account()));
    const item = await sendAndSettle(app, {
      accountId: alice.id,
      to: ['bob@example.test', 'пример@example.test'],
      subject: 'x',
      text: 'x',
    });
    expect(item).toMatchObject({ state: 'failed', error: { code: 'RECIPIENT_REJECTED', details: { rejected: 'пример@example.test', extension: 'SMTPUTF8' } } });
    expect(item.error?.message).toContain('пример@example.test');
    expect(item.error?.message).toContain('SMTPUTF8');
    expect(server.mailFroms).toEqual([]);
    expect(server.auths).toEqual([]);
    expect(server.delivered).toEqual([]);
  });
});
