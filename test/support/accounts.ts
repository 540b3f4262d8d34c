import { MemorySecretStore } from '../../main/accounts/secret-store.js';
import type { KeyValueFile } from '../../main/accounts/settings-store.js';
import { createMailService } from '../../main/service.js';
import type { Reply } from '../../shared/contract.js';
import type { AccountInput, Security } from '../../shared/schemas.js';
import { testbed, user, type TestbedUser } from './testbed.js';

export function memorySettings(): KeyValueFile {
  const data = new Map<string, unknown>();
  return { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
}

/** A whole service, as the app builds it, with settings and secrets in memory. */
export function inMemoryService() {
  return createMailService({ settingsFile: memorySettings(), secrets: new MemorySecretStore() });
}

type Choice = { smtp?: 'submission' | 'tls'; imap?: 'tls' | 'starttls'; password?: string };

/** Account settings for a test bed user, over the chosen ports. */
export function testbedAccount(who: 'alice' | 'bob' | 'carol', choice: Choice = {}): AccountInput {
  const bed = testbed();
  const u: TestbedUser = user(who);
  const smtpTls = choice.smtp === 'tls';
  const imapSecurity: Security = choice.imap ?? 'tls';
  return {
    name: who[0]!.toUpperCase() + who.slice(1),
    email: u.email,
    password: choice.password ?? u.password,
    imap: {
      host: bed.imap.host,
      port: imapSecurity === 'tls' ? bed.imap.tlsPort : bed.imap.starttlsPort,
      security: imapSecurity,
    },
    smtp: {
      host: bed.smtp.host,
      port: smtpTls ? bed.smtp.tlsPort : bed.smtp.submissionPort,
      security: smtpTls ? 'tls' : 'starttls',
    },
  };
}

export function value<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}
