// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STACKED_QUERY } from '../../renderer/features/layout/use-stacked-layout.js';
import { testAccount } from '../support/test-account.js';
import { folder, summary } from './mail-fixtures.js';
import { messageList, renderApp } from './render-app.js';

/*
 * Where the panes stack (a narrow window, 200% zoom), the accounts and the folder tree fold away
 * behind a "Folders" button, so the mail comes first; side by side they are always there.
 * jsdom has no layout: the window's media query is played by a matchMedia of the test's own.
 */

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

type Listener = () => void;

/** A window whose width matches the stacking query or not; `resize` changes it as a person would. */
function windowWidth(stacked: boolean) {
  const listeners = new Set<Listener>();
  const query = {
    get matches() {
      return stacked;
    },
    media: STACKED_QUERY,
    addEventListener: (_: string, listener: Listener) => listeners.add(listener),
    removeEventListener: (_: string, listener: Listener) => listeners.delete(listener),
  };
  vi.stubGlobal('matchMedia', (media: string) => {
    expect(media).toBe(STACKED_QUERY);
    return query;
  });
  return {
    resize(next: boolean) {
      stacked = next;
      act(() => listeners.forEach((listener) => listener()));
    },
  };
}

const alice = testAccount();
const bob = testAccount({ id: 'acc_bob12345', name: 'Bob', email: 'bob@example.test' });

function app() {
  return renderApp({
    accounts: [alice, bob],
    folders: [folder('INBOX', 'inbox', { unread: 1 }), folder('Sent', 'sent'), folder('Archive', 'archive')],
    messages: [summary(3, 'Weekly report')],
  }, { 'messages.listInboxes': { ok: true, value: [] } });
}

const toggle = () => screen.getByRole('button', { name: 'Folders' });
const folders = () => screen.queryByRole('navigation', { name: 'Folders' });

describe('the sidebar where the panes stack', () => {
  it('starts folded: a “Folders” button, not expanded, and the mail right after it', async () => {
    windowWidth(true);
    app();
    await waitFor(() => expect(within(messageList()).getAllByRole('button')).toHaveLength(1));
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    // Folded: the folder tree, the accounts and their actions are not shown (nor in the accessibility tree).
    expect(folders()).toBeNull();
    expect(screen.queryByRole('button', { name: alice.email })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add account' })).toBeNull();
    expect(document.getElementById(toggle().getAttribute('aria-controls')!)!.hidden).toBe(true);
  });

  it('unfolds and folds with the button, and folds again once a folder is chosen', async () => {
    windowWidth(true);
    const { invoke } = app();
    await screen.findByRole('list', { name: 'Messages' });
    fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    const tree = await waitFor(() => folders()!);
    expect(within(tree).getAllByRole('button').map((b) => b.textContent)).toEqual(['Inbox 1', 'Sent', 'Archive']);
    expect(screen.getByRole('button', { name: /^All inboxes\b/ })).toBeTruthy();

    fireEvent.click(within(tree).getByRole('button', { name: 'Archive' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.list', expect.objectContaining({ folder: 'Archive' })));
    expect(screen.getByRole('heading', { name: 'Archive' })).toBeTruthy();
    // Folded again, the list right below; focus stays on the button, not lost with the folder's.
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(folders()).toBeNull();
    expect(document.activeElement).toBe(toggle());

    fireEvent.click(toggle());
    fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
  });

  it('is always open side by side, without the button, and follows the window when it narrows', async () => {
    const window = windowWidth(false);
    app();
    await screen.findByRole('navigation', { name: 'Folders' });
    expect(screen.queryByRole('button', { name: 'Folders' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Add account' })).toBeTruthy();
    window.resize(true);
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(folders()).toBeNull();
    window.resize(false);
    expect(screen.queryByRole('button', { name: 'Folders' })).toBeNull();
    expect(folders()).not.toBeNull();
  });
});
