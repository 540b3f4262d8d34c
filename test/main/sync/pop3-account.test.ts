import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passwordKey } from '../../../main/accounts/secret-store.js';
import { Pop3Client } from '../../../main/pop3/pop3-client.js';
import type { EventName } from '../../../shared/contract.js';
import { capabilitiesOf, type AccountInput } from '../../../shared/schemas.js';
import { inMemoryService, sendAndSettle, testbedPop3Account, value } from '../../support/accounts.js';
import { user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';
import { credentials, deliver, OPTIONS, pop3Settings } from '../pop3/dovecot-support.js';
import { ordinary, startFakePop3 } from '../pop3/fake-pop3-server.js';

/*
 * A POP3 account through the whole service, against the test bed's Dovecot: its local folders,
 * checks on demand and on a schedule, the policies, local actions and the Sent copy. dave is the
 * POP3 tests' own user (nothing else reads or fills his maildrop), emptied before each test.
 */

const apps: ReturnType<typeof inMemoryService>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

beforeEach(async () => {
  const client = await Pop3Client.connect(pop3Settings('tls'), credentials('dave'), OPTIONS);
  for (const { number } of await client.list()) await client.dele(number);
  await client.quit();
});

const dir = mkdtempSync(join(tmpdir(), 'pop3-account-'));

function deliverToDave(subject: string, body = `Body of ${subject}.`): void {
  const file = join(dir, `${randomUUID()}.eml`);
  writeFileSync(
    file,
    `From: Alice <alice@example.test>\r\nTo: Dave <dave@example.test>\r\nSubject: ${subject}\r\n` +
      `Message-ID: <${randomUUID()}@example.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}\r\n`,
  );
  deliver('dave', file);
}

/** Subjects in dave's maildrop, as POP3 TOP shows them. */
async function onServer(): Promise<string[]> {
  const client = await Pop3Client.connect(pop3Settings('tls'), credentials('dave'), OPTIONS);
  try {
    const subjects: string[] = [];
    for (const { number } of await client.list()) {
      const header = (await client.top(number, 0)).toString('latin1');
      subjects.push(/^Subject: (.*)$/m.exec(header)?.[1]?.trim() ?? '');
    }
    return subjects.sort();
  } finally {
    await client.quit();
  }
}

async function davesApp(choice: Parameters<typeof testbedPop3Account>[1] = {}, sync: Parameters<typeof inMemoryService>[2] = {}) {
  const app = inMemoryService({}, undefined, { pop3: { clientOptions: OPTIONS }, ...sync });
  apps.push(app);
  const events: { event: EventName; payload: unknown }[] = [];
  app.bus.subscribe((event, payload) => events.push({ event, payload }));
  const account = value(await app.client.invoke('accounts.add', testbedPop3Account('dave', choice)));
  const subjects = async (folder = 'INBOX') =>
    value(await app.client.invoke('messages.list', { accountId: account.id, folder })).map((m) => m.subject).sort();
  return { app, account, events, subjects };
}

describe('a POP3 account', () => {
  it('has local Inbox, Sent, Drafts and Trash, and capabilities that say what POP3 cannot do', async () => {
    const { app, account } = await davesApp();
    expect(account.incoming).toBe('pop3');
    const folders = value(await app.client.invoke('folders.list', { accountId: account.id }));
    expect(folders.map((f) => [f.path, f.role])).toEqual([
      ['INBOX', 'inbox'],
      ['Drafts', 'drafts'],
      ['Sent', 'sent'],
      ['Trash', 'trash'],
    ]);
    expect(capabilitiesOf(account)).toEqual({ serverFolders: false, serverFlags: false, serverSearch: false, push: false });
    // And its backend in main, which the UI asks, says the same.
    expect(value(await app.client.invoke('accounts.capabilities', { accountId: account.id }))).toEqual(capabilitiesOf(account));
    const refused = await app.client.invoke('folders.create', { accountId: account.id, name: 'Projects' });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('INVALID_ARGUMENT');
  });

  it('is refused without its POP3 settings, or with IMAP settings beside them', async () => {
    const app = inMemoryService();
    apps.push(app);
    const { pop3, ...withoutPop3 } = testbedPop3Account('dave');
    const missing = await app.client.invoke('accounts.add', withoutPop3 as AccountInput);
    expect(missing.ok ? 'ok' : missing.error.message).toMatch(/POP3 server/);
    const both = await app.client.invoke('accounts.add', { ...withoutPop3, pop3, imap: { host: 'imap.example.test', port: 993, security: 'tls' } });
    expect(both.ok ? 'ok' : both.error.code).toBe('INVALID_ARGUMENT');
  });

  it('is checked at setup: a wrong password is refused with the server’s words, and nothing is saved', async () => {
    const app = inMemoryService({}, undefined, { pop3: { clientOptions: OPTIONS } });
    apps.push(app);
    const reply = await app.client.invoke('accounts.add', testbedPop3Account('dave', { password: 'wrong-password' }));
    expect(reply.ok ? 'ok' : reply.error.code).toBe('AUTH_FAILED');
    expect(reply.ok ? '' : reply.error.serverReply).toMatch(/authentication failed/i);
    expect(value(await app.client.invoke('accounts.list', {}))).toEqual([]);
  });

  it('at setup, a server without UIDL is refused while messages are to be left on it, and accepted otherwise', async () => {
    const answer = ordinary(['USER', 'TOP']);
    const server = await startFakePop3({ answer });
    try {
      const app = inMemoryService({}, undefined, { pop3: { clientOptions: OPTIONS } });
      apps.push(app);
      const input = testbedPop3Account('dave');
      const at = { host: server.host, port: server.port, security: 'none' as const, authMethod: 'USER' as const };
      const refused = await app.client.invoke('accounts.add', { ...input, pop3: { ...at, leaveOnServer: true } });
      expect(refused.ok ? 'ok' : refused.error.message).toMatch(/does not support UIDL.*Turn off "Leave messages on server"/);
      expect(server.received).toContain('UIDL');
      expect(server.received.some((l) => /^(RETR|DELE)/.test(l))).toBe(false);
      expect(value(await app.client.invoke('accounts.list', {}))).toEqual([]);

      const accepted = await app.client.invoke('accounts.add', { ...input, pop3: { ...at, leaveOnServer: false } });
      expect(accepted.ok).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('over 995: a check downloads new mail into the Inbox with progress, leaves it on the server, and never downloads it twice', async () => {
    deliverToDave('pop3 one');
    deliverToDave('pop3 two');
    const { app, account, events, subjects } = await davesApp();
    const synced = value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    expect(synced.added).toBe(2);
    expect(await subjects()).toEqual(['pop3 one', 'pop3 two']);
    const progress = events.filter((e) => e.event === 'sync.progressed').map((e) => e.payload);
    expect(progress).toContainEqual({ accountId: account.id, folder: 'INBOX', done: 2, total: 2 });
    expect(events.find((e) => e.event === 'mail.arrived')?.payload).toEqual({ accountId: account.id, folder: 'INBOX', count: 2 });
    expect(await onServer()).toEqual(['pop3 one', 'pop3 two']);

    const again = value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    expect(again.added).toBe(0);
    expect(await subjects()).toEqual(['pop3 one', 'pop3 two']);

    // Opened from the kept copy, and marked read locally.
    const listed = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'INBOX' }));
    const opened = value(await app.client.invoke('message.open', { accountId: account.id, folder: 'INBOX', uid: listed[0]!.uid }));
    expect(opened.text).toContain(`Body of ${opened.subject}.`);
    const after = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'INBOX' }));
    expect(after.find((m) => m.uid === opened.uid)?.unread).toBe(false);
  });

  it('over 110 with STLS, not leaving mail on the server: downloads, then deletes it there', async () => {
    deliverToDave('stls delete');
    const { app, account, subjects } = await davesApp({ pop3: 'starttls', leaveOnServer: false });
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    expect(await subjects()).toEqual(['stls delete']);
    expect(await onServer()).toEqual([]);
  });

  it('is checked on its schedule once its Inbox was opened', async () => {
    const { app, account, subjects } = await davesApp({}, { staleAfterMs: 60_000, pop3: { checkIntervalMs: 300, clientOptions: OPTIONS } });
    expect(await subjects()).toEqual([]);
    deliverToDave('found by the schedule');
    await waitFor(async () => ((await subjects()).includes('found by the schedule') ? true : undefined), 'the scheduled check');
    expect(app.store.folders(account.id).length).toBe(4);
  });

  it('a password that stopped working fails the check with AUTH_FAILED and the server’s words, as a sync.failed event too', async () => {
    const { app, account, events } = await davesApp();
    // Changed on the server since the account was set up.
    await app.profile.secrets.set(passwordKey(account.id), 'not-daves-password');
    const reply = await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' });
    expect(reply.ok ? 'ok' : reply.error.code).toBe('AUTH_FAILED');
    expect(reply.ok ? undefined : reply.error.serverReply).toMatch(/authentication failed/i);
    await waitFor(async () => events.find((e) => e.event === 'sync.failed'), 'sync.failed');
  });

  it('moves, flags and deletes locally; a message moved stays on the server, one deleted for good leaves it when asked to', async () => {
    deliverToDave('to keep');
    deliverToDave('to delete');
    const { app, account, subjects } = await davesApp({ deleteWhenDeletedLocally: true });
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    const inbox = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'INBOX' }));
    const keep = inbox.find((m) => m.subject === 'to keep')!;
    const drop = inbox.find((m) => m.subject === 'to delete')!;

    value(await app.client.invoke('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [keep.uid], add: ['flagged'], remove: [] }));
    value(await app.client.invoke('messages.move', { accountId: account.id, folder: 'INBOX', uids: [keep.uid], to: 'Drafts' }));
    value(await app.client.invoke('messages.delete', { accountId: account.id, folder: 'INBOX', uids: [drop.uid] }));
    expect(await subjects()).toEqual([]);
    expect(await subjects('Drafts')).toEqual(['to keep']);
    expect(await subjects('Trash')).toEqual(['to delete']);
    const moved = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts' }))[0]!;
    expect(moved.flagged).toBe(true);
    // The moved copy opens from its own file.
    expect(value(await app.client.invoke('message.open', { accountId: account.id, folder: 'Drafts', uid: moved.uid })).text).toContain('Body of to keep.');

    // Still in Trash: not deleted locally yet, so it stays on the server.
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    expect(await onServer()).toEqual(['to delete', 'to keep']);

    const trashed = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Trash' }))[0]!;
    value(await app.client.invoke('messages.delete', { accountId: account.id, folder: 'Trash', uids: [trashed.uid] }));
    expect(await subjects('Trash')).toEqual([]);
    const synced = value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    expect(synced.added).toBe(0);
    expect(await onServer()).toEqual(['to keep']);
    expect(await subjects('Drafts')).toEqual(['to keep']);
  });

  it('undoes a delete: the message is back in the Inbox with its flag and text, and stays on the server, never downloaded twice', async () => {
    deliverToDave('to bring back');
    const { app, account, subjects } = await davesApp({ deleteWhenDeletedLocally: true });
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    const [message] = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'INBOX' }));
    value(await app.client.invoke('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [message!.uid], add: ['flagged'], remove: [] }));
    const { actionId } = value(await app.client.invoke('messages.delete', { accountId: account.id, folder: 'INBOX', uids: [message!.uid] }));
    expect(await subjects('Trash')).toEqual(['to bring back']);

    expect(value(await app.client.invoke('messages.undo', { accountId: account.id, actionId }))).toEqual({ undone: true });
    expect(await subjects('Trash')).toEqual([]);
    const [back] = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'INBOX' }));
    expect(back).toMatchObject({ subject: 'to bring back', flagged: true });
    expect(value(await app.client.invoke('message.open', { accountId: account.id, folder: 'INBOX', uid: back!.uid })).text).toContain('Body of to bring back.');
    // Its POP3 record came back with it: not taken for deleted here, nor for new mail there.
    expect(value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' })).added).toBe(0);
    expect(await onServer()).toEqual(['to bring back']);
    expect(await subjects()).toEqual(['to bring back']);
    const again = await app.client.invoke('messages.undo', { accountId: account.id, actionId });
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('files a copy of what it sends in its local Sent folder', async () => {
    const { app, account, subjects } = await davesApp();
    const sent = await sendAndSettle(app, { accountId: account.id, to: [user('alice').email], subject: 'sent from POP3', text: 'Hello from dave.' });
    expect(sent.state).toBe('sent');
    await waitFor(async () => ((await subjects('Sent')).includes('sent from POP3') ? true : undefined), 'the Sent copy');
    const copy = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Sent' }))[0]!;
    expect(copy.unread).toBe(false);
    expect(value(await app.client.invoke('message.open', { accountId: account.id, folder: 'Sent', uid: copy.uid })).text).toContain('Hello from dave.');
  });

  it('searches its local folders without asking a server', async () => {
    deliverToDave('searchable pop3', 'A word like marmalade.');
    const { app, account } = await davesApp();
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    const found = value(await app.client.invoke('messages.search', { accountId: account.id, folder: 'INBOX', query: 'marmalade' }));
    expect(found.messages.map((m) => m.subject)).toEqual(['searchable pop3']);
  });
});
