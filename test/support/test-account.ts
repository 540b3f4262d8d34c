import type { Account } from '../../shared/schemas.js';

/**
 * A saved account for tests that connect nowhere, or only where an override points (the fake
 * SMTP server's port, say); each test overrides what it relies on.
 */
export function testAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acc_12345678',
    name: 'Alice',
    email: 'alice@example.test',
    imap: { host: 'imap.example.test', port: 993, security: 'tls' },
    smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' },
    sentCopy: 'append',
    ...overrides,
  };
}
