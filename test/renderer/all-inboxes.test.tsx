// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxMessage } from '../../shared/contract.js';
import type { Account, Folder } from '../../shared/schemas.js';
import { PAGE_SIZE } from '../../renderer/features/mailbox/use-message-pages.js';
import { testAccount } from '../support/test-account.js';
import { detail, folder, summary } from './mail-fixtures.js';
import { messageList, renderApp } from './render-app.js';

afterEach(cleanup);
beforeEach(() => localStorage.clear());

const alice = testAccount();
const bob = testAccount({ id: 'acc_bob12345', name: 'Bob', email: 'bob@example.test' });
const FOLDERS: Record<string, Folder[]> = {
  [alice.id]: [folder('INBOX', 'inbox', { unread: 2 }), folder('Trash', 'trash'), folder('Archive', 'archive', { unread: 7 })],
  [bob.id]: [folder('INBOX', 'inbox', { unread: 3 }), folder('Deleted Items', 'trash'), folder('Receipts', null, { unread: 1 })],
};
const row = (accountId: string, uid: number, subject: string, receivedAt: number, unread = false): InboxMessage => ({
  ...summary(uid, subject, { from: { name: 'Sender', address: 'sender@example.test' }, receivedAt, unread }),
  accountId,
  folder: 'INBOX',
});
// Both accounts have a message with uid 7: the rows must still be told apart.
const ALL = [row(bob.id, 7, 'From Bob’s inbox', 3_000, true), row(alice.id, 7, 'From Alice’s inbox', 2_000), row(alice.id, 5, 'Older for Alice', 1_000)];

function app({ accounts = [alice, bob], all = ALL }: { accounts?: Account[]; all?: InboxMessage[] } = {}) {
  return renderApp(
    { accounts },
    {
      'folders.list': ({ accountId }: { accountId: string }) => ({ ok: true, value: FOLDERS[accountId]! }),
      'messages.listInboxes': ({ before }: { before?: unknown }) => ({ ok: true, value: before ? [] : all }),
      'message.open': ({ accountId, uid }: { accountId: string; uid: number }) => ({
        ok: true,
        value: detail(all.find((m) => m.accountId === accountId && m.uid === uid)!),
      }),
      'messages.delete': { ok: true, value: { actionId: 11 } },
      'messages.setFlags': { ok: true, value: { actionId: 12 } },
      'folder.sync': { ok: true, value: { added: 0, removed: 0, flagsChanged: 0 } },
    },
  );
}

const allInboxes = () => screen.findByRole('button', { name: /^All inboxes\b/ });

describe('All inboxes', () => {
  it('is not offered with one account', async () => {
    app({ accounts: [alice] });
    await screen.findByRole('navigation', { name: 'Folders' });
    expect(screen.queryByRole('button', { name: /All inboxes/ })).toBeNull();
  });

  it('sits at the top of the folder tree with every Inbox’s unread count summed', async () => {
    const { invoke } = app();
    const button = await allInboxes();
    await waitFor(() => expect(button.getAttribute('aria-label')).toBe('All inboxes, 5 unread'));
    expect(button.textContent).toBe('All inboxes 5');
    // Before the accounts and their folders.
    const sidebar = screen.getByRole('navigation', { name: 'Accounts' });
    const names = within(sidebar).getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent);
    expect(names.indexOf('All inboxes, 5 unread')).toBe(0);
    expect(invoke).toHaveBeenCalledWith('folders.list', { accountId: bob.id });
  });

  it('lists every account’s Inbox newest first from messages.listInboxes, each row naming its account', async () => {
    const { invoke } = app();
    fireEvent.click(await allInboxes());
    await waitFor(() => expect(within(messageList()).getAllByRole('button')).toHaveLength(3));
    expect(invoke).toHaveBeenCalledWith('messages.listInboxes', { limit: PAGE_SIZE });
    expect(screen.getByRole('heading', { name: 'All inboxes' })).toBeTruthy();
    expect((await allInboxes()).getAttribute('aria-current')).toBe('true');
    const rows = within(messageList()).getAllByRole('button');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^Sender.*From Bob’s inbox.*, unread, account bob@example\.test/),
      expect.stringMatching(/From Alice’s inbox.*, account alice@example\.test/),
      expect.stringMatching(/Older for Alice.*, account alice@example\.test/),
    ]);
    // The Inbox of each is no news: only the account is shown; there is one order (newest first).
    expect(messageList().textContent).not.toMatch(/in Inbox|in INBOX/);
    expect(screen.queryByRole('combobox', { name: 'Sort by' })).toBeNull();
  });

  it('opens and acts on a message in its own account: Bob’s message with Bob’s id, folders and Trash', async () => {
    const { invoke } = app();
    fireEvent.click(await allInboxes());
    fireEvent.click(await within(await screen.findByRole('list', { name: 'Messages' })).findByRole('button', { name: /From Bob’s inbox/ }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('message.open', { accountId: bob.id, folder: 'INBOX', uid: 7 }));
    const reader = await screen.findByRole('article', { name: 'Message' });
    await waitFor(() => expect(within(reader).getByRole('heading').textContent).toBe('From Bob’s inbox'));
    // Only Bob's row is the open one, though Alice's has the same uid.
    expect(within(messageList()).getAllByRole('button').map((b) => b.getAttribute('aria-current'))).toEqual(['true', null, null]);
    const moveTo = within(reader).getByRole('combobox', { name: 'Move to' });
    expect(within(moveTo).getAllByRole('option').map((o) => o.textContent)).toEqual(['Deleted Items', 'Receipts']);
    fireEvent.click(within(reader).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.delete', { accountId: bob.id, folder: 'INBOX', uids: [7] }));
    expect(await screen.findByText('Message moved to Deleted Items.')).toBeTruthy();
  });

  it('acts on chosen rows of several accounts with a request per account', async () => {
    const { invoke } = app();
    fireEvent.click(await allInboxes());
    await waitFor(() => expect(within(messageList()).getAllByRole('button')).toHaveLength(3));
    const [first, , third] = within(messageList()).getAllByRole('button');
    fireEvent.click(first!, { ctrlKey: true });
    fireEvent.click(third!, { ctrlKey: true });
    fireEvent.click(within(await screen.findByRole('toolbar', { name: 'Selected messages' })).getByRole('button', { name: 'Mark as read' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: bob.id, folder: 'INBOX', uids: [7], add: ['seen'] }));
    expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: alice.id, folder: 'INBOX', uids: [5], add: ['seen'] });
  });

  it('pages on from the last row’s time, account and uid', async () => {
    const many = Array.from({ length: PAGE_SIZE }, (_, i) => row(i % 2 ? alice.id : bob.id, 1000 - i, `Message #${i}.`, 100_000 - i));
    const { invoke } = app({ all: many });
    fireEvent.click(await allInboxes());
    const first = await screen.findByRole('button', { name: /Message #0\./ });
    // Scrolled to the end of what is loaded (jsdom lays nothing out: the scroller says where it is).
    const scroller = first.closest('.message-scroller')!;
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: PAGE_SIZE * 64 });
    fireEvent.scroll(scroller);
    const last = many.at(-1)!;
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith('messages.listInboxes', { limit: 500, before: { receivedAt: last.receivedAt, accountId: last.accountId, uid: last.uid } }),
    );
  });

  it('redraws when mail arrives in any account’s Inbox, and not for another folder', async () => {
    const { callsOf, emit } = app();
    fireEvent.click(await allInboxes());
    await waitFor(() => expect(within(messageList()).getAllByRole('button')).toHaveLength(3));
    const asked = () => callsOf('messages.listInboxes').length;
    const before = asked();
    emit('messages.changed', { accountId: bob.id, folder: 'Receipts' });
    emit('mail.arrived', { accountId: bob.id, folder: 'INBOX', count: 1 });
    await waitFor(() => expect(asked()).toBe(before + 1));
    emit('messages.changed', { accountId: alice.id, folder: 'INBOX' });
    await waitFor(() => expect(asked()).toBe(before + 2));
  });

  it('Refresh checks every account’s Inbox; a failure names the account in an alert with Try again', async () => {
    const { invoke, emit } = app();
    fireEvent.click(await allInboxes());
    await waitFor(() => expect(within(messageList()).getAllByRole('button')).toHaveLength(3));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('folder.sync', { accountId: bob.id, folder: 'INBOX' }));
    expect(invoke).toHaveBeenCalledWith('folder.sync', { accountId: alice.id, folder: 'INBOX' });

    emit('sync.failed', { accountId: bob.id, folder: 'INBOX', error: { code: 'CONNECTION_REFUSED', message: 'The server refused the connection. Check the server name and port, or try again later.' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The Inbox of bob@example.test could not be brought up to date: The server refused the connection.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    // The others' mail is still listed.
    expect(within(messageList()).getAllByRole('button')).toHaveLength(3);
  });
});

describe('searching in All inboxes', () => {
  // As main answers messages.searchAll: newest first across the accounts, each with its account and folder.
  const found = (accountId: string, uid: number, subject: string, path: string, receivedAt: number, unread = false): InboxMessage => ({
    ...summary(uid, subject, { from: { name: 'Sender', address: 'sender@example.test' }, receivedAt, unread }),
    accountId,
    folder: path,
  });
  const FOUND = [
    found(bob.id, 31, 'Lunch receipts', 'Receipts', 9_000),
    found(alice.id, 7, 'Lunch with Bob', 'INBOX', 8_000, true),
    found(bob.id, 7, 'Lunch menu', 'INBOX', 7_000, true),
  ];

  function searchApp() {
    return renderApp(
      { accounts: [alice, bob] },
      {
        'folders.list': ({ accountId }: { accountId: string }) => ({ ok: true, value: FOLDERS[accountId]! }),
        'messages.listInboxes': ({ before }: { before?: unknown }) => ({ ok: true, value: before ? [] : ALL }),
        'messages.searchAll': ({ query }: { query: string }) => ({ ok: true, value: { messages: FOUND.filter((m) => m.subject.toLowerCase().includes(query.toLowerCase())) } }),
        'messages.search': { ok: true, value: { messages: [], serverChecked: false } },
        'message.open': ({ accountId, folder: path, uid }: { accountId: string; folder: string; uid: number }) => ({
          ok: true,
          value: detail({ ...FOUND.find((m) => m.accountId === accountId && m.folder === path && m.uid === uid)!, unread: false }),
        }),
      },
    );
  }

  async function searchAllInboxes(query: string) {
    fireEvent.click(await allInboxes());
    await waitFor(() => expect(within(messageList()).getAllByRole('button')).toHaveLength(3));
    const box = screen.getByRole('searchbox', { name: 'Search' });
    expect(box.getAttribute('placeholder')).toBe('Search all accounts');
    fireEvent.change(box, { target: { value: query } });
  }

  it('asks every account (messages.searchAll), not the chosen one, and lists the results in main’s order, each saying its folder and account', async () => {
    const { callsOf } = searchApp();
    await searchAllInboxes('lunch');
    await waitFor(() =>
      expect(within(messageList()).getAllByRole('button').map((r) => r.textContent)).toEqual([
        expect.stringMatching(/Lunch receipts.*, in Receipts, account bob@example\.test/),
        expect.stringMatching(/Lunch with Bob.*, unread, in Inbox, account alice@example\.test/),
        expect.stringMatching(/Lunch menu.*, unread, in Inbox, account bob@example\.test/),
      ]),
    );
    expect(callsOf('messages.searchAll')).toEqual([{ query: 'lunch', limit: 100 }]);
    expect(callsOf('messages.search')).toEqual([]);
    expect(screen.getByText('3 messages found in all accounts.')).toBeTruthy();
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'nothing like it' } });
    expect(await screen.findByText('No messages found in any account.')).toBeTruthy();
  });

  it('opens a result in its own account and shows it read there; the other account’s message of the same uid stays as it was', async () => {
    const { invoke } = searchApp();
    await searchAllInboxes('lunch');
    fireEvent.click(await screen.findByRole('button', { name: /Lunch menu/ }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('message.open', { accountId: bob.id, folder: 'INBOX', uid: 7 }));
    const reader = await screen.findByRole('article', { name: 'Message' });
    await waitFor(() => expect(within(reader).getByRole('heading').textContent).toBe('Lunch menu'));
    const rows = within(messageList()).getAllByRole('button');
    // Only Bob's row is the open one, though Alice's Inbox has a uid 7 too.
    expect(rows.map((b) => b.getAttribute('aria-current'))).toEqual([null, null, 'true']);
    await waitFor(() => expect(rows[2]!.textContent).not.toContain('unread'));
    expect(rows[1]!.textContent).toMatch(/Lunch with Bob.*, unread, in Inbox, account alice/);
    // Its actions are Bob's: his folders to move it to.
    const moveTo = within(reader).getByRole('combobox', { name: 'Move to' });
    expect(within(moveTo).getAllByRole('option').map((o) => o.textContent)).toEqual(['Deleted Items', 'Receipts']);
  });

  it('asks again when any account’s messages change, and the chosen account’s search is its own again outside All inboxes', async () => {
    const { callsOf, emit } = searchApp();
    await searchAllInboxes('lunch');
    await waitFor(() => expect(callsOf('messages.searchAll')).toHaveLength(1));
    emit('messages.changed', { accountId: bob.id, folder: 'Receipts' });
    await waitFor(() => expect(callsOf('messages.searchAll')).toHaveLength(2));

    fireEvent.click(within(screen.getByRole('navigation', { name: 'Folders' })).getByRole('button', { name: /^Inbox\b/ }));
    const box = screen.getByRole('searchbox', { name: 'Search' });
    await waitFor(() => expect(box.getAttribute('placeholder')).toBe('Search all folders'));
    fireEvent.change(box, { target: { value: 'lunch' } });
    await waitFor(() => expect(callsOf('messages.search')).toEqual([{ accountId: alice.id, query: 'lunch', limit: 100 }]));
    expect(callsOf('messages.searchAll')).toHaveLength(2);
  });
});
