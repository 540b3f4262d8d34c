import { describe, expect, it } from 'vitest';
import { imapOptions } from '../../../main/imap/connect.js';
import { pop3CredentialsOf } from '../../../main/pop3/pop3-account.js';
import { smtpTransportOptions } from '../../../main/smtp/transport-options.js';
import { accountInputSchema, accountSchema, type Account } from '../../../shared/schemas.js';

const base = {
  id: 'acc_12345678',
  name: 'Alice',
  email: 'alice@example.test',
  imap: { host: 'imap.example.test', port: 993, security: 'tls' as const },
  smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' as const },
  sentCopy: 'append' as const,
};
const pop3 = { host: 'pop.example.test', port: 995, security: 'tls' as const, leaveOnServer: true, deleteWhenDeletedLocally: false };

function userOf(auth: unknown): unknown {
  return (auth as { user?: unknown } | undefined)?.user;
}

describe('an account’s login name', () => {
  it('is the email address when the account gives none', () => {
    const account: Account = base;
    expect(userOf(imapOptions(account, 'pw').auth)).toBe('alice@example.test');
    expect(userOf(smtpTransportOptions(account, 'pw').auth)).toBe('alice@example.test');
    expect(pop3CredentialsOf({ email: account.email, username: account.username, pop3 }, 'pw')).toEqual({ user: 'alice@example.test', password: 'pw' });
  });

  it('is the account’s user name for IMAP, SMTP and POP3 when it has one (a config file’s %EMAILLOCALPART%)', () => {
    const account: Account = { ...base, username: 'alice' };
    expect(userOf(imapOptions(account, 'pw').auth)).toBe('alice');
    expect(userOf(smtpTransportOptions(account, 'pw').auth)).toBe('alice');
    expect(pop3CredentialsOf({ email: account.email, username: account.username, pop3 }, 'pw')).toEqual({ user: 'alice', password: 'pw' });
  });

  it('is kept with the account, trimmed; an empty or two-line one is refused', () => {
    const { id: _id, sentCopy: _sentCopy, ...input } = base;
    expect(accountInputSchema.parse({ ...input, password: 'pw', username: ' alice ' }).username).toBe('alice');
    expect(accountSchema.parse({ ...base, username: 'alice' }).username).toBe('alice');
    expect(accountInputSchema.safeParse({ ...input, password: 'pw', username: '  ' }).success).toBe(false);
    expect(accountInputSchema.safeParse({ ...input, password: 'pw', username: 'alice\r\nX: y' }).success).toBe(false);
  });
});
