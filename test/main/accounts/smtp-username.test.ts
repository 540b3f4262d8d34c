import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { smtpTransportOptions } from '../../../main/smtp/transport-options.js';
import { accountInputSchema, type Account } from '../../../shared/schemas.js';
import { inMemoryService, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { testAccount } from '../../support/test-account.js';
import { testbed, user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * An SMTP login name of its own ("SMTP user name"): some providers' outgoing servers know the
 * person by another name than the incoming one. In the test bed frank logs in to IMAP and POP3
 * as frank@example.test and to submission only as "frank-smtp" (the same password), and the
 * other name is refused on each side, so only the right name on the right server gets through.
 */

const userOf = (auth: unknown) => (auth as { user?: string } | undefined)?.user;

describe('the SMTP user name, in the settings', () => {
  it('is what SMTP logs in with; without it SMTP uses the account’s user name, else the address', () => {
    const own: Account = testAccount({ username: 'alice', smtp: { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'alice-relay' } });
    expect(userOf(smtpTransportOptions(own, 'pw').auth)).toBe('alice-relay');
    expect(userOf(smtpTransportOptions({ ...own, auth: 'oauth2' }, 'token').auth)).toBe('alice-relay');
    expect(userOf(smtpTransportOptions({ ...own, smtp: { ...own.smtp, username: undefined } }, 'pw').auth)).toBe('alice');
    expect(userOf(smtpTransportOptions(testAccount(), 'pw').auth)).toBe('alice@example.test');
  });

  it('is kept trimmed; an empty or two-line one is refused with a clear message', () => {
    const input = { name: 'Alice', email: 'alice@example.test', password: 'pw', imap: { host: 'imap.example.test', port: 993, security: 'tls' }, smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' } };
    expect(accountInputSchema.parse({ ...input, smtp: { ...input.smtp, username: ' relay ' } }).smtp.username).toBe('relay');
    const empty = accountInputSchema.safeParse({ ...input, smtp: { ...input.smtp, username: ' ' } });
    expect(empty.success ? '' : empty.error.issues[0]!.message).toBe('Enter the SMTP user name, or leave it out.');
    const twoLines = accountInputSchema.safeParse({ ...input, smtp: { ...input.smtp, username: 'relay\r\nX: y' } });
    expect(twoLines.success ? '' : twoLines.error.issues[0]!.message).toBe('The SMTP user name must be a single line (no line breaks).');
  });
});

describe('the SMTP user name, against the test bed’s Postfix (SASL through Dovecot)', () => {
  const app = inMemoryService();
  afterAll(() => app.stop());
  const frank = () => user('frank');

  it('is checked by accounts.verify: IMAP with the address, SMTP with its own name; the other name fails on each', async () => {
    const bed = testbed();
    const smtp = (username: string) => ({ protocol: 'smtp' as const, host: bed.smtp.host, port: bed.smtp.submissionPort, security: 'starttls' as const, username });
    const imap = (username: string) => ({ protocol: 'imap' as const, host: bed.imap.host, port: bed.imap.tlsPort, security: 'tls' as const, username });
    expect(frank().smtpUsername).toBe('frank-smtp');
    const right = value(await app.client.invoke('accounts.verify', { email: frank().email, password: frank().password, incoming: imap(frank().email), outgoing: smtp('frank-smtp') }));
    expect([right.incoming.outcome, right.outgoing.outcome]).toEqual(['ok', 'ok']);
    const swapped = value(await app.client.invoke('accounts.verify', { email: frank().email, password: frank().password, incoming: imap('frank-smtp'), outgoing: smtp(frank().email) }));
    expect(swapped.incoming).toMatchObject({ outcome: 'failed', error: { code: 'AUTH_FAILED' } });
    expect(swapped.outgoing).toMatchObject({ outcome: 'failed', error: { code: 'AUTH_FAILED', serverReply: expect.stringMatching(/^535/) } });
  });

  it('sends with it, while the Inbox is read with the address; without it the send is refused', async () => {
    const input = testbedAccount('frank');
    const account = value(await app.client.invoke('accounts.add', { ...input, smtp: { ...input.smtp, username: 'frank-smtp' } }));
    expect(account.smtp.username).toBe('frank-smtp');
    const subject = `Through frank-smtp ${randomUUID()}`;
    const sent = await sendAndSettle(app, { accountId: account.id, to: [frank().email], subject, text: 'Sent with the SMTP user name.' });
    expect(sent.state).toBe('sent');
    await waitFor(
      async () => {
        await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' });
        const listed = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'INBOX', limit: 200 }));
        return listed.find((m) => m.subject === subject);
      },
      'the message in frank’s Inbox',
      20_000,
    );

    // The same account with the SMTP user name taken out: SMTP gets the address, and says no.
    const { username: _dropped, ...smtpWithout } = account.smtp;
    value(await app.client.invoke('accounts.update', { accountId: account.id, changes: { smtp: smtpWithout } }));
    const refused = await sendAndSettle(app, { accountId: account.id, to: [frank().email], subject: 'Refused', text: 'Not sent.' });
    expect(refused.state).toBe('failed');
    expect(refused.error).toMatchObject({ code: 'AUTH_FAILED' });
  });
});
