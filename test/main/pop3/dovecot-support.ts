import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Pop3Client, Pop3ClientOptions, Pop3Credentials, Pop3Settings } from '../../../main/pop3/pop3-client.js';
import { testbed, user, type TestbedUserName } from '../../support/testbed.js';

const TESTBED = join(import.meta.dirname, '..', '..', 'testbed', 'testbed.sh');

export const OPTIONS: Pop3ClientOptions = { timeouts: { connectMs: 10_000, greetingMs: 10_000, readMs: 20_000 } };

/** The test bed's POP3 server, over 995 (implicit TLS) or 110 (STLS). */
export function pop3Settings(security: 'tls' | 'starttls', extra: Partial<Pop3Settings> = {}): Pop3Settings {
  const { host, tlsPort, starttlsPort } = testbed().pop3;
  return { host, port: security === 'tls' ? tlsPort : starttlsPort, security, ...extra };
}

export function credentials(local: TestbedUserName): Pop3Credentials {
  const { email, password } = user(local);
  return { user: email, password };
}

/** Puts a message file into the user's INBOX with doveadm save (testbed.sh deliver USER FILE MAILBOX). */
export function deliver(local: TestbedUserName, file: string): void {
  execFileSync('bash', [TESTBED, 'deliver', user(local).email, file, 'INBOX'], {
    env: { ...process.env, MUA_TESTBED_DIR: testbed().stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * The session's number and UIDL of the message with this (unique) subject, looking from the
 * newest back: other tests deliver to the same INBOX, so nothing assumes it is empty.
 */
export async function findBySubject(client: Pop3Client, subject: string): Promise<{ number: number; uid: string } | undefined> {
  const entries = await client.uidl();
  for (const entry of [...entries].reverse()) {
    const header = (await client.top(entry.number, 0)).toString('latin1');
    if (header.includes(`\r\nSubject: ${subject}\r\n`) || header.startsWith(`Subject: ${subject}\r\n`)) return entry;
  }
  return undefined;
}

export async function mustFind(client: Pop3Client, subject: string): Promise<{ number: number; uid: string }> {
  const found = await findBySubject(client, subject);
  expect(found, `a message with subject ${subject}`).toBeDefined();
  return found!;
}
