import { MemorySecretStore } from '../../main/accounts/secret-store.js';
import type { KeyValueFile } from '../../main/accounts/settings-store.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailService, type ServiceOptions } from '../../main/service.js';
import type { RequestInput } from '../../shared/contract.js';
import type { OutboxItem } from '../../shared/outbox.js';
import { waitFor } from './wait-for.js';
import type { Reply } from '../../shared/contract.js';
import type { AccountInput, Pop3ServerSettings, Security, ServerSettings } from '../../shared/schemas.js';
import { testbed, user, type TestbedUser, type TestbedUserName } from './testbed.js';

export function memorySettings(): KeyValueFile {
  const data = new Map<string, unknown>();
  return { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
}

/** Retries within a test's patience: 50 ms, then 100, capped at 400. */
export const FAST_RETRY = { firstDelayMs: 50, maxDelayMs: 400, giveUpAfterMs: 60_000 };

/**
 * A whole service, as the app builds it, with settings and secrets in memory, its outbox in a
 * fresh temporary folder, no undo window and fast retries.
 */
export function inMemoryService(outbox: ServiceOptions['outbox'] = {}, profile: Profile = newProfile(), sync: ServiceOptions['sync'] = {}) {
  // No prefetch and no background sync of every folder unless a test asks: what is stored
  // should follow from what the test does (and the test bed's users have many test folders).
  const service = createMailService({ ...profile, outbox: { undoDelayMs: 0, retry: FAST_RETRY, ...outbox }, sync: { prefetchDays: 0, syncAllFolders: false, ...sync } });
  service.start();
  return Object.assign(service, { profile });
}

/** What a restart keeps: settings, secrets and the outbox folder. */
export type Profile = Pick<ServiceOptions, 'settingsFile' | 'secrets' | 'outboxDir' | 'storeDir'>;

export function newProfile(): Profile {
  return {
    settingsFile: memorySettings(),
    secrets: new MemorySecretStore(),
    outboxDir: mkdtempSync(join(tmpdir(), 'mua-outbox-')),
    storeDir: mkdtempSync(join(tmpdir(), 'mua-store-')),
  };
}

type Service = ReturnType<typeof inMemoryService>;
type Send = RequestInput<'mail.send'>;

/** Puts a message in the outbox and waits until it has been sent, or has failed for good. */
export async function sendAndSettle(app: Service, message: Send, timeoutMs = 15_000): Promise<OutboxItem> {
  const queued = value(await app.client.invoke('mail.send', message));
  return settled(app, queued.id, timeoutMs);
}

export function settled(app: Service, id: string, timeoutMs = 15_000): Promise<OutboxItem> {
  return outboxItem(app, id, (item) => item.state === 'sent' || item.state === 'failed', timeoutMs);
}

/** Waits until the outbox item matches `predicate`. */
export function outboxItem(
  app: Service,
  id: string,
  predicate: (item: OutboxItem) => boolean,
  timeoutMs = 15_000,
): Promise<OutboxItem> {
  return waitFor(async () => {
    const item = app.outbox.list().find((i) => i.id === id);
    return item && predicate(item) ? item : undefined;
  }, `outbox item ${id}`, timeoutMs);
}

type Choice = { smtp?: 'submission' | 'tls'; imap?: 'tls' | 'starttls'; password?: string };

/** An IMAP account's input (its imap settings certainly there). */
export type ImapAccountInput = Omit<AccountInput, 'incoming' | 'imap' | 'pop3' | 'password'> & { incoming?: 'imap'; imap: ServerSettings; password: string };

/** Account settings for a test bed user, over the chosen ports. */
export function testbedAccount(who: TestbedUserName, choice: Choice = {}): ImapAccountInput {
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

type Pop3Choice = { pop3?: 'tls' | 'starttls'; password?: string } & Partial<Pick<Pop3ServerSettings, 'leaveOnServer' | 'deleteAfterDays' | 'deleteWhenDeletedLocally'>>;

/** A POP3 account for a test bed user (dave by default: the POP3 tests' own Inbox), sending by submission. */
export function testbedPop3Account(who: TestbedUserName = 'dave', { pop3 = 'tls', password, ...policy }: Pop3Choice = {}): AccountInput {
  const bed = testbed();
  const { imap: _imap, ...rest } = testbedAccount(who, { password });
  return {
    ...rest,
    incoming: 'pop3',
    pop3: { host: bed.pop3.host, port: pop3 === 'tls' ? bed.pop3.tlsPort : bed.pop3.starttlsPort, security: pop3, ...policy },
  };
}

export function value<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}
