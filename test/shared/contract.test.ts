import { describe, expect, it } from 'vitest';
import { events, requests } from '../../shared/contract.js';
import { ERROR_CODES, USER_MESSAGES } from '../../shared/errors.js';

const message = {
  accountId: 'acc_12345678',
  to: ['bob@example.test'],
  subject: 'Hello',
  text: 'Hi Bob',
};

describe('the contract', () => {
  it('names requests as commands and events in the past tense', () => {
    for (const name of Object.keys(requests)) expect(name).toMatch(/^[a-z]+\.[a-z]+[A-Za-z]*$/);
    for (const name of Object.keys(events)) expect(name).toMatch(/\.(changed|sent|arrived|[a-z]+ed)$/);
  });

  it('gives every error code a message a person can act on', () => {
    for (const code of ERROR_CODES) expect(USER_MESSAGES[code].length).toBeGreaterThan(20);
  });

  it('refuses a line break in a header field a person typed', () => {
    const input = requests['mail.send'].input;
    expect(input.safeParse({ ...message, subject: 'Hi\r\nBcc: eve@evil.test' }).success).toBe(false);
    expect(input.safeParse({ ...message, to: ['bob@example.test\r\nBcc: eve@evil.test'] }).success).toBe(false);
    expect(input.safeParse(message).success).toBe(true);
  });

  it('names the bad address when one is not valid', () => {
    const result = requests['mail.send'].input.safeParse({ ...message, to: ['bob@example.test', 'not-an-address'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('not-an-address');
  });

  it('refuses an account name with a line break, which would end up in the From header', () => {
    const account = {
      name: 'Alice\nBcc: x@y.test',
      email: 'alice@example.test',
      password: 'pw',
      imap: { host: 'imap.example.test', port: 993, security: 'tls' },
      smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' },
    };
    expect(requests['accounts.add'].input.safeParse(account).success).toBe(false);
    expect(requests['accounts.add'].input.safeParse({ ...account, name: 'Alice' }).success).toBe(true);
  });

  it('accepts only TLS or STARTTLS: there is no plaintext setting', () => {
    const server = requests['accounts.add'].input.shape.imap;
    expect(server.safeParse({ host: 'h.test', port: 143, security: 'none' }).success).toBe(false);
  });

  it('rejects fields it does not know, so nothing unexpected reaches a handler', () => {
    expect(requests['accounts.list'].input.safeParse({ extra: 1 }).success).toBe(false);
  });
});
