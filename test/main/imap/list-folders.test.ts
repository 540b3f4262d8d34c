import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withImap } from '../../../main/imap/connect.js';
import { assignRoles, compareFolders, roleFromName, type ListedFolder } from '../../../main/imap/list-folders.js';
import type { Folder } from '../../../shared/schemas.js';
import { inMemoryService, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

const listed = (path: string, ...flags: string[]): ListedFolder => ({ path, name: path.split('/').pop()!, flags });

describe('folder roles', () => {
  it('knows the common names of servers without SPECIAL-USE, whatever their case', () => {
    expect(roleFromName('Sent')).toBe('sent');
    expect(roleFromName('sent items')).toBe('sent');
    expect(roleFromName('SENT MESSAGES')).toBe('sent');
    expect(roleFromName('Drafts')).toBe('drafts');
    expect(roleFromName('Trash')).toBe('trash');
    expect(roleFromName('Deleted Items')).toBe('trash');
    expect(roleFromName('Junk')).toBe('junk');
    expect(roleFromName('spam')).toBe('junk');
    expect(roleFromName('Archive')).toBe('archive');
    expect(roleFromName('Receipts')).toBeNull();
    expect(roleFromName('constructor')).toBeNull();
  });

  it('falls back to names only where no folder carries the SPECIAL-USE attribute', () => {
    const roles = assignRoles([
      listed('INBOX'),
      listed('Sent'),
      listed('Outgoing', '\\Sent'),
      listed('Spam'),
      listed('Deleted Items'),
      listed('Trash'),
      listed('Projects', '\\HasChildren'),
    ]);
    expect(Object.fromEntries(roles)).toEqual({
      INBOX: 'inbox',
      Sent: null,
      Outgoing: 'sent',
      Spam: 'junk',
      'Deleted Items': 'trash',
      Trash: null,
      Projects: null,
    });
  });

  it('sorts Inbox first, then drafts, sent, archive, junk, trash, then the rest by name', () => {
    const folder = (name: string, role: Folder['role']): Folder => ({ path: name, name, role, delimiter: '/', total: 0, unread: 0, selectable: true });
    const sorted = [
      folder('zeta', null),
      folder('Trash', 'trash'),
      folder('alpha', null),
      folder('Junk', 'junk'),
      folder('Sent', 'sent'),
      folder('Inbox', 'inbox'),
      folder('Archive', 'archive'),
      folder('Drafts', 'drafts'),
    ].sort(compareFolders);
    expect(sorted.map((f) => f.name)).toEqual(['Inbox', 'Drafts', 'Sent', 'Archive', 'Junk', 'Trash', 'alpha', 'zeta']);
  });
});

/** Against the test bed's real Dovecot, whose users have SPECIAL-USE Sent, Drafts, Trash, Junk and Archive. */
describe('folders.list', () => {
  it('lists the folders with their SPECIAL-USE roles, in order, with counts', async () => {
    const app = inMemoryService();
    const bob = value(await app.client.invoke('accounts.add', testbedAccount('bob')));
    const folders = value(await app.client.invoke('folders.list', { accountId: bob.id }));
    const byRole = folders.filter((f) => f.role !== null);
    expect(byRole.map((f) => f.role)).toEqual(['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash']);
    expect(folders.slice(0, 6)).toEqual(byRole);
    expect(byRole.map((f) => f.path)).toEqual(['INBOX', 'Drafts', 'Sent', 'Archive', 'Junk', 'Trash']);
    expect(folders[0]).toMatchObject({ path: 'INBOX', name: 'Inbox', role: 'inbox', selectable: true });
    for (const f of folders) {
      expect(f.unread).toBeLessThanOrEqual(f.total);
      expect(typeof f.delimiter === 'string' || f.delimiter === null).toBe(true);
    }
  });

  it('counts a delivered message in the Inbox’s total and unread', async () => {
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const bob = value(await app.client.invoke('accounts.add', testbedAccount('bob')));
    const inbox = async () => value(await app.client.invoke('folders.list', { accountId: bob.id })).find((f) => f.role === 'inbox')!;
    const before = await inbox();
    const subject = `Folder counts ${randomUUID()}`;
    const sent = await sendAndSettle(app, { accountId: alice.id, to: [user('bob').email], subject, text: 'count me' });
    expect(sent.state).toBe('sent');
    const row = await waitFor(async () => {
      const list = value(await app.client.invoke('messages.list', { accountId: bob.id }));
      return list.find((m) => m.subject === subject);
    }, 'the message in bob’s inbox');
    expect(row.unread).toBe(true);
    const after = await inbox();
    // Other test files deliver to bob and read his mail at the same time: at least one more, and
    // the exact counts are checked in a folder of this test's own below.
    expect(after.total).toBeGreaterThanOrEqual(before.total + 1);
    expect(after.unread).toBeGreaterThanOrEqual(1);
  });

  it('counts total and unread exactly, and sorts a folder without a role after the roles', async () => {
    const app = inMemoryService();
    const input = testbedAccount('carol');
    const carol = value(await app.client.invoke('accounts.add', input));
    const path = `Counts ${randomUUID().slice(0, 8)}`;
    const raw = (subject: string) => Buffer.from(`From: a@example.test\r\nTo: carol@example.test\r\nSubject: ${subject}\r\n\r\nbody\r\n`);
    await withImap(carol, input.password, async (client) => {
      await client.mailboxCreate(path);
      await client.append(path, raw('one'), []);
      await client.append(path, raw('two'), ['\\Seen']);
      await client.append(path, raw('three'), []);
    });
    try {
      const folders = value(await app.client.invoke('folders.list', { accountId: carol.id }));
      const mine = folders.findIndex((f) => f.path === path);
      expect(folders[mine]).toEqual({ path, name: path, role: null, delimiter: expect.any(String), total: 3, unread: 2, selectable: true });
      expect(folders.findLastIndex((f) => f.role !== null)).toBeLessThan(mine);
    } finally {
      await withImap(carol, input.password, (client) => client.mailboxDelete(path));
    }
  });
});
