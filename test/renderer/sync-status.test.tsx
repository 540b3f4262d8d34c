// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/contract.js';
import type { AppErrorDto } from '../../shared/errors.js';
import { testAccount } from '../support/test-account.js';
import { folder } from './mail-fixtures.js';
import { renderApp } from './render-app.js';

/** What the mailbox says about its syncing (progress while it works, an alert a person can act on when it fails), and that every failed request is an alert. */
afterEach(cleanup);

const account = testAccount();
const FOLDERS = [folder('INBOX', 'inbox'), folder('Sent', 'sent')];
const REFUSED = { code: 'CONNECTION_REFUSED', message: 'The server refused the connection. Check the server name and port, or try again later.' } as const;

/** The app with a Refresh (folder.sync) that answers only when the test says. */
function app() {
  let answerSync: (reply: Reply<unknown>) => void = () => {};
  const fake = renderApp({ folders: FOLDERS }, { 'folder.sync': () => new Promise<Reply<unknown>>((resolve) => (answerSync = resolve)) as never });
  return { ...fake, answerSync: (reply: Reply<unknown>) => answerSync(reply) };
}

describe('a background sync that fails', () => {
  it('is said in an alert for the folder on screen, in words that say what to do, with Try again', async () => {
    const { emit, invoke, answerSync } = app();
    await screen.findByRole('heading', { name: 'Inbox' });
    emit('sync.failed', { accountId: account.id, folder: 'INBOX', error: REFUSED });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Inbox could not be brought up to date: The server refused the connection. Check the server name and port, or try again later.' +
        'The list shows what was fetched before.Try again',
    );
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('folder.sync', { accountId: account.id, folder: 'INBOX' }));
    answerSync({ ok: true, value: { added: 0, removed: 0, flagsChanged: 0 } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('of another folder, or another account, is not put before the person', async () => {
    const { emit } = app();
    await screen.findByRole('heading', { name: 'Inbox' });
    emit('sync.failed', { accountId: account.id, folder: 'Sent', error: REFUSED });
    emit('sync.failed', { accountId: 'acc_other123', folder: 'INBOX', error: REFUSED });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('goes when another folder is chosen', async () => {
    const { emit } = app();
    await screen.findByRole('heading', { name: 'Inbox' });
    emit('sync.failed', { accountId: account.id, folder: 'INBOX', error: REFUSED });
    await screen.findByRole('alert');
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Folders' })).getByRole('button', { name: 'Sent' }));
    await screen.findByRole('heading', { name: 'Sent' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('Refresh', () => {
  it('says it is checking while it does, then what failed, with Try again', async () => {
    const { answerSync } = app();
    await screen.findByRole('heading', { name: 'Inbox' });
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain('Checking Inbox for new mail…'));
    expect((screen.getByRole('button', { name: 'Refresh' }) as HTMLButtonElement).disabled).toBe(true);
    answerSync({ ok: false, error: REFUSED });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Inbox could not be brought up to date: The server refused the connection.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.getAllByRole('status').map((s) => s.textContent)).not.toContain('Checking Inbox for new mail…');
  });

  it('shows how far a folder’s first sync has got', async () => {
    const { emit } = app();
    await screen.findByRole('heading', { name: 'Inbox' });
    emit('sync.progressed', { accountId: account.id, folder: 'INBOX', done: 1200, total: 5000 });
    await waitFor(() => expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain('Fetching messages: 1,200 of 5,000'));
    emit('sync.progressed', { accountId: account.id, folder: 'INBOX', done: 5000, total: 5000 });
    await waitFor(() => expect(screen.getAllByRole('status').map((s) => s.textContent)).not.toContain('Fetching messages: 1,200 of 5,000'));
  });
  it('of a folder not on screen is shown as soon as that folder is chosen', async () => {
    const { emit } = app();
    await screen.findByRole('heading', { name: 'Inbox' });
    emit('sync.progressed', { accountId: account.id, folder: 'Sent', done: 300, total: 900 });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getAllByRole('status').map((s) => s.textContent)).not.toContain('Fetching messages: 300 of 900');
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Folders' })).getByRole('button', { name: 'Sent' }));
    await screen.findByRole('heading', { name: 'Sent' });
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain('Fetching messages: 300 of 900');
  });
});

describe('every request of the mailbox that fails', () => {
  const failing = (channel: string) => {
    const error: AppErrorDto = { code: 'CONNECTION_LOST', message: `The connection was lost while asking ${channel}. Check your network and try again.` };
    const fails = { ok: false, error } as const;
    renderApp({ folders: FOLDERS }, { [channel]: fails, 'messages.search': fails });
    return error;
  };

  it.each(['folders.list', 'messages.list'])('(%s) says why in an alert, in main’s words', async (channel) => {
    const error = failing(channel);
    expect((await screen.findByRole('alert')).textContent).toContain(error.message);
  });

  it('(messages.search) says why in an alert, in main’s words', async () => {
    const error = failing('messages.search');
    fireEvent.change(await screen.findByRole('searchbox', { name: 'Search' }), { target: { value: 'invoice' } });
    expect((await screen.findByRole('alert')).textContent).toContain(error.message);
  });
});
