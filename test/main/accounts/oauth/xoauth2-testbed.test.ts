import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenKey } from '../../../../main/accounts/secret-store.js';
import { inMemoryService, newProfile, sendAndSettle, testbedAccount, testbedPop3Account, value } from '../../../support/accounts.js';
import { fakeBrowser, startFakeOAuth, type FakeOAuth } from '../../../support/fake-oauth-server.js';
import { testbed, user } from '../../../support/testbed.js';
import { waitFor } from '../../../support/wait-for.js';
import { deliver } from '../../pop3/dovecot-support.js';

/**
 * An account that signs in with the browser, against the real servers: the test bed's Dovecot
 * takes XOAUTH2 and OAUTHBEARER for IMAP and POP3 and lends them to Postfix's submission
 * (SASL), and checks each token by asking this file's fake OAuth server (RFC 7662
 * introspection) whose it is. imapflow prefers OAUTHBEARER (RFC 7628) where a server offers it
 * and XOAUTH2 otherwise; POP3 and SMTP send XOAUTH2. grace's Inbox belongs to the OAuth tests.
 */

let oauth: FakeOAuth;
let app: ReturnType<typeof inMemoryService>;
const browser = fakeBrowser();
const grace = () => user('grace');
const folder = mkdtempSync(join(tmpdir(), 'mua-xoauth2-'));

beforeAll(async () => {
  const bed = testbed();
  oauth = await startFakeOAuth([bed.imap.host, bed.pop3.host], { introspection: { host: bed.oauth.introspectionHost, port: bed.oauth.introspectionPort } });
  const profile = Object.assign(newProfile(), { oauth: { providers: [oauth.provider], signInTimeoutMs: 10_000 }, openExternal: browser.openExternal });
  app = inMemoryService({}, profile, { idle: false });
});

afterAll(async () => {
  await app?.stop();
  await oauth?.close();
  rmSync(folder, { recursive: true, force: true });
});

const logOf = (name: string) => readFileSync(join(testbed().stateDir, 'log', name), 'utf8');
/** What a server logged since the mark (the logs outlive test runs). */
const logSince = (name: string, mark: number) => logOf(name).slice(mark);

function waiting(subject: string): string {
  const file = join(folder, `${randomUUID()}.eml`);
  writeFileSync(
    file,
    `From: Bob <${user('bob').email}>\r\nTo: ${grace().email}\r\nSubject: ${subject}\r\nMessage-ID: <${randomUUID()}@example.test>\r\n` +
      `Date: ${new Date().toUTCString()}\r\n\r\nFor an account without a password.\r\n`,
  );
  return file;
}

async function inInbox(accountId: string, subject: string) {
  return waitFor(
    async () => {
      await app.client.invoke('folder.sync', { accountId, folder: 'INBOX' });
      const listed = await app.client.invoke('messages.list', { accountId, folder: 'INBOX', limit: 200 });
      return listed.ok ? listed.value.find((m) => m.subject === subject) : undefined;
    },
    `“${subject}” in grace’s Inbox`,
    20_000,
  );
}

describe('XOAUTH2 against the test bed (Dovecot checks the token with the provider)', () => {
  let accountId: string;

  it('reads the Inbox over IMAP and sends through submission with the token of the browser sign-in', async () => {
    const { password: _none, ...input } = testbedAccount('grace');
    const marks = { dovecot: logOf('dovecot.log').length, postfix: logOf('postfix.log').length };
    const account = value(await app.client.invoke('accounts.add', { ...input, auth: 'oauth2' }));
    accountId = account.id;
    expect(browser.opened).toHaveLength(1);
    expect(new URL(browser.opened[0]!).searchParams.get('login_hint')).toBe(grace().email);
    const token = JSON.parse((await app.profile.secrets.get(tokenKey(account.id)))!).accessToken as string;

    const subject = `Read with a token ${randomUUID()}`;
    deliver('grace', waiting(subject));
    await inInbox(account.id, subject);

    const sent = `Sent with a token ${randomUUID()}`;
    const item = await sendAndSettle(app, { accountId: account.id, to: [grace().email], subject: sent, text: 'XOAUTH2 through Postfix.' });
    expect(item).toMatchObject({ state: 'sent' });
    await inInbox(account.id, sent);
    // Dovecot asked the provider about exactly that token, for IMAP and for Postfix.
    expect(oauth.introspected.filter((t) => t === token).length).toBeGreaterThanOrEqual(2);
    expect(logSince('postfix.log', marks.postfix)).toContain(`sasl_method=XOAUTH2, sasl_username=${grace().email}`);
    expect(logSince('dovecot.log', marks.dovecot)).toContain(`imap-login: Info: Login: user=<${grace().email}>, method=OAUTHBEARER`);
  });

  it('downloads over POP3 with XOAUTH2 as well', async () => {
    const mark = logOf('dovecot.log').length;
    const { password: _none, ...input } = testbedPop3Account('grace');
    const account = value(await app.client.invoke('accounts.add', { ...input, auth: 'oauth2' }));
    const subject = `Downloaded with a token ${randomUUID()}`;
    deliver('grace', waiting(subject));
    await inInbox(account.id, subject);
    expect(logSince('dovecot.log', mark)).toContain(`pop3-login: Info: Login: user=<${grace().email}>, method=XOAUTH2`);
    value(await app.client.invoke('accounts.remove', { accountId: account.id }));
  });

  it('refuses a token the provider no longer vouches for, then goes on with a refreshed one', async () => {
    // The provider forgets the current token (it expired early there): Dovecot is told "not active".
    oauth.expiresIn = 3600;
    const before = oauth.issued.length;
    const token = JSON.parse((await app.profile.secrets.get(tokenKey(accountId)))!).accessToken as string;
    await app.stop().catch(() => {});
    const { secrets } = app.profile;
    await secrets.set(tokenKey(accountId), JSON.stringify({ ...JSON.parse((await secrets.get(tokenKey(accountId)))!), accessToken: `${token}-forgotten` }));
    app = inMemoryService({}, Object.assign(app.profile, { oauth: { providers: [oauth.provider], signInTimeoutMs: 10_000 }, openExternal: browser.openExternal }), { idle: false });

    const subject = `After a refresh ${randomUUID()}`;
    const item = await sendAndSettle(app, { accountId, to: [grace().email], subject, text: 'Refreshed.' });
    expect(item).toMatchObject({ state: 'sent' });
    expect(oauth.issued.length).toBe(before + 1);
    expect(oauth.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token' });
  });
});
