import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SMTPServerAuthentication } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import type { SmtpAuthMethod } from '../../../shared/schemas.js';
import { sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { servicesAndFakeSmtp, type AuthVerdict, type FakeSmtp, type FakeSmtpOptions } from '../../support/fake-smtp.js';
import { testbed, user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

const { service, fakeSmtp } = servicesAndFakeSmtp();
/** The server of the last sendWith. */
let server: FakeSmtp | undefined;

const PASSWORD = 'fake-password';
const TOKEN = 'ya29.a0-test-access-token';

/** A server that knows alice's password and her access token, checking each method properly. */
function checkAlice(auth: SMTPServerAuthentication): AuthVerdict {
  if (auth.username !== 'alice@example.test') return { ok: false };
  switch (auth.method) {
    case 'XOAUTH2':
      return auth.accessToken === TOKEN
        ? { ok: true }
        : { ok: false, data: { status: '401', schemes: 'bearer', scope: 'https://mail.example.test/' } };
    case 'CRAM-MD5':
      return auth.validatePassword(PASSWORD) ? { ok: true } : { ok: false };
    default:
      return auth.password === PASSWORD ? { ok: true } : { ok: false };
  }
}

async function sendWith(authMethod: SmtpAuthMethod | undefined, options: FakeSmtpOptions = {}, secret = PASSWORD) {
  server = await fakeSmtp({ ...options, checkAuth: checkAlice });
  const app = service();
  const base = server.account({ password: secret });
  const account = value(await app.client.invoke('accounts.add', { ...base, smtp: { ...base.smtp, ...(authMethod ? { authMethod } : {}) } }));
  return sendAndSettle(app, { accountId: account.id, to: ['bob@example.test'], subject: 'auth', text: 'x' });
}

describe('AUTH against a server that offers PLAIN, LOGIN, CRAM-MD5 and XOAUTH2', () => {
  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('uses %s when the account fixes it', async (method) => {
    const item = await sendWith(method);
    expect(item.state).toBe('sent');
    expect(server!.auths).toEqual([expect.objectContaining({ method, username: 'alice@example.test' })]);
    expect(server!.delivered).toHaveLength(1);
  });

  it('uses XOAUTH2 with the account’s token as the bearer token, for the account’s user', async () => {
    const item = await sendWith('XOAUTH2', {}, TOKEN);
    expect(item.state).toBe('sent');
    expect(server!.auths).toEqual([{ method: 'XOAUTH2', username: 'alice@example.test', accessToken: TOKEN, password: undefined }]);
  });

  it('a refused XOAUTH2 token gives AUTH_FAILED with the server’s reply, and never falls back to a password method', async () => {
    const item = await sendWith('XOAUTH2', {}, 'ya29.expired-token');
    expect(item).toMatchObject({ state: 'failed', error: { code: 'AUTH_FAILED' } });
    expect(item.error?.serverReply).toMatch(/^535[ -]/);
    expect(server!.auths.length).toBeGreaterThan(0);
    expect(server!.auths.every((a) => a.method === 'XOAUTH2' && a.accessToken === 'ya29.expired-token')).toBe(true);
    expect(server!.mailFroms).toEqual([]);
    expect(JSON.stringify(item)).not.toContain('ya29.expired-token');
  });

  it('a wrong password gives AUTH_FAILED with the server’s reply', async () => {
    const item = await sendWith('LOGIN', {}, 'wrong-password');
    expect(item).toMatchObject({ state: 'failed', error: { code: 'AUTH_FAILED' } });
    expect(item.error?.serverReply).toMatch(/^535[ -]/);
    expect(server!.mailFroms).toEqual([]);
  });
});

describe('AUTH picked from the EHLO list (auto)', () => {
  it.each([
    { offered: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'], used: 'PLAIN', setting: 'auto' as const },
    { offered: ['LOGIN', 'CRAM-MD5'], used: 'LOGIN', setting: 'auto' as const },
    { offered: ['CRAM-MD5'], used: 'CRAM-MD5', setting: 'auto' as const },
    // A password is never sent as a bearer token: XOAUTH2 is only for an account that says so.
    { offered: ['XOAUTH2', 'LOGIN'], used: 'LOGIN', setting: 'auto' as const },
    { offered: ['CRAM-MD5', 'LOGIN'], used: 'LOGIN', setting: undefined },
  ])('with $offered offered uses $used (setting: $setting)', async ({ offered, used, setting }) => {
    const item = await sendWith(setting, { authMethods: offered });
    expect(item.state).toBe('sent');
    expect(server!.auths.map((a) => a.method)).toEqual([used]);
  });
});

describe('no AUTH', () => {
  it('sends no AUTH at all when the account says none', async () => {
    const item = await sendWith('none', { authOptional: true });
    expect(item.state).toBe('sent');
    expect(server!.auths).toEqual([]);
    expect(server!.delivered).toHaveLength(1);
  });
});

describe('AUTH against the test bed’s Postfix (Dovecot SASL)', () => {
  const postfixLog = () => readFileSync(join(testbed().stateDir, 'log', 'postfix.log'), 'utf8');

  /** The SASL method Postfix logged for the message with this Message-ID. */
  function saslMethodFor(messageId: string): Promise<string> {
    return waitFor(async () => {
      const log = postfixLog();
      const queueId = new RegExp(`: ([0-9A-F]+): message-id=${escape(messageId)}`).exec(log)?.[1];
      if (!queueId) return undefined;
      return new RegExp(`: ${queueId}: client=[^\\n]*sasl_method=([A-Z0-9-]+)`).exec(log)?.[1];
    }, `Postfix's log line for ${messageId}`);
  }

  it.each([
    { setting: 'PLAIN' as const, logged: 'PLAIN' },
    { setting: 'LOGIN' as const, logged: 'LOGIN' },
    { setting: 'CRAM-MD5' as const, logged: 'CRAM-MD5' },
    { setting: 'auto' as const, logged: 'PLAIN' },
  ])('$setting: Postfix logs sasl_method=$logged', async ({ setting, logged }) => {
    const app = service();
    const input = testbedAccount('alice');
    const alice = value(await app.client.invoke('accounts.add', { ...input, smtp: { ...input.smtp, authMethod: setting } }));
    const item = await sendAndSettle(app, { accountId: alice.id, to: [user('bob').email], subject: `auth ${setting}`, text: 'x' });
    expect(item.state).toBe('sent');
    expect(await saslMethodFor(item.messageId)).toBe(logged);
  });

  it('CRAM-MD5 with a wrong password: AUTH_FAILED with Postfix’s reply', async () => {
    const app = service();
    const input = testbedAccount('alice', { password: 'not-alices-password' });
    const alice = value(await app.client.invoke('accounts.add', { ...input, smtp: { ...input.smtp, authMethod: 'CRAM-MD5' } }));
    const item = await sendAndSettle(app, { accountId: alice.id, to: [user('bob').email], subject: 'never', text: 'x' });
    expect(item).toMatchObject({ state: 'failed', error: { code: 'AUTH_FAILED' } });
    expect(item.error?.serverReply).toMatch(/^535 5\.7\.8 /);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
