import { inject } from 'vitest';

/** A test bed user; smtpUsername where submission wants another login name than IMAP and POP3 (frank). */
export type TestbedUser = { email: string; password: string; smtpUsername?: string };

/** What test/testbed/testbed.sh writes to testbed.json once the servers are up. */
export type Testbed = {
  domain: string;
  caFile: string;
  stateDir: string;
  imap: { host: string; starttlsPort: number; tlsPort: number };
  pop3: { host: string; starttlsPort: number; tlsPort: number };
  smtp: { host: string; submissionPort: number; tlsPort: number };
  /** Where Dovecot asks whose an XOAUTH2/OAUTHBEARER token is (a test's fake OAuth server listens there). */
  oauth: { introspectionHost: string; introspectionPort: number };
  users: TestbedUser[];
};

declare module 'vitest' {
  export interface ProvidedContext {
    testbed: Testbed;
  }
}

export function testbed(): Testbed {
  return inject('testbed');
}

/**
 * dave belongs to the POP3 service tests and erin to the POP3 browser journey: nothing else
 * delivers to or reads their Inboxes (test files run side by side). frank logs in to SMTP as
 * "frank-smtp" only (test/main/accounts/smtp-username.test.ts); grace signs in with OAuth
 * (XOAUTH2) in the tests of that (oauth/xoauth2-testbed.test.ts, e2e/oauth-sign-in.test.ts).
 * heidi's IMAP server announces no IDLE (test/main/imap/watch-inbox.test.ts, polling instead).
 */
export type TestbedUserName = 'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'frank' | 'grace' | 'heidi';

export function user(local: TestbedUserName): TestbedUser {
  const found = testbed().users.find((u) => u.email.startsWith(`${local}@`));
  if (!found) throw new Error(`the test bed has no user ${local}`);
  return found;
}
