// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { testAccount } from '../support/test-account.js';
import { folder } from './mail-fixtures.js';
import { renderApp } from './render-app.js';

afterEach(cleanup);

const account = testAccount();

function app() {
  return renderApp({
    folders: [folder('INBOX', 'inbox', { total: 5, unread: 2 }), folder('Sent', 'sent', { total: 3 }), folder('Projects/Mua', null, { total: 7, unread: 1 })],
  });
}

describe('the folder list', () => {
  it('shows each folder with its unread count, Inbox chosen', async () => {
    const { invoke } = app();
    const nav = await screen.findByRole('navigation', { name: 'Folders' });
    const buttons = within(nav).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['Inbox 2', 'Sent', 'Mua 1']);
    expect(within(nav).getByRole('button', { name: 'Inbox, 2 unread' }).getAttribute('aria-current')).toBe('true');
    expect(within(nav).getByRole('button', { name: 'Sent' })).toBeTruthy();
    expect(within(nav).getByRole('button', { name: 'Mua, 1 unread' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Inbox' })).toBeTruthy();
    expect(invoke).toHaveBeenCalledWith('folders.list', { accountId: account.id });
    expect(invoke).toHaveBeenCalledWith('messages.list', { accountId: account.id, folder: 'INBOX', limit: 200, sort: 'date', threads: false });
  });

  it('lists the chosen folder’s messages under its name', async () => {
    const { invoke } = app();
    const nav = await screen.findByRole('navigation', { name: 'Folders' });
    fireEvent.click(within(nav).getByRole('button', { name: 'Mua, 1 unread' }));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith('messages.list', { accountId: account.id, folder: 'Projects/Mua', limit: 200, sort: 'date', threads: false }),
    );
    expect(screen.getByRole('heading', { name: 'Mua' })).toBeTruthy();
    expect(within(nav).getByRole('button', { name: 'Mua, 1 unread' }).getAttribute('aria-current')).toBe('true');
    expect(within(nav).getByRole('button', { name: 'Inbox, 2 unread' }).getAttribute('aria-current')).toBeNull();
  });
});

describe('a folder still streaming in', () => {
  it('says how far its sync has got, and stops saying so once it is complete', async () => {
    const { emit } = app();
    await screen.findByRole('navigation', { name: 'Folders' });
    const shown = () => screen.queryAllByRole('status').find((s) => /Fetching messages/.test(s.textContent ?? ''));
    emit('sync.progressed', { accountId: account.id, folder: 'Sent', done: 100, total: 5000 });
    expect(shown()).toBeUndefined();
    emit('sync.progressed', { accountId: account.id, folder: 'INBOX', done: 100, total: 5000 });
    await waitFor(() => expect(shown()?.textContent).toBe('Fetching messages: 100 of 5,000'));
    emit('sync.progressed', { accountId: account.id, folder: 'INBOX', done: 5000, total: 5000 });
    await waitFor(() => expect(shown()).toBeUndefined());
  });
});
