// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTyping, shortcutFor } from '../../renderer/features/shortcuts/shortcuts.js';
import { testAccount } from '../support/test-account.js';
import { folder, opensListed, summary } from './mail-fixtures.js';
import { messageList, reader, renderApp } from './render-app.js';

afterEach(cleanup);
beforeEach(() => localStorage.clear());

const account = testAccount();
// With a Trash, Delete moves there (and offers Undo); without one it would ask first (delete for good).
const FOLDERS = [folder('INBOX', 'inbox'), folder('Trash', 'trash')];
const INBOX = [summary(3, 'Third'), summary(2, 'Second', { unread: true }), summary(1, 'First')];
/** Sent to the account's own address and Carol, copied to Dave: a reply to all goes to everyone but oneself. */
const RECIPIENTS = {
  to: [
    { name: 'Alice', address: account.email },
    { name: 'Carol', address: 'carol@example.test' },
  ],
  cc: [{ name: 'Dave', address: 'dave@example.test' }],
};

function app() {
  return renderApp(
    { folders: FOLDERS, messages: INBOX },
    {
      'message.open': opensListed(() => INBOX, RECIPIENTS),
      'messages.setFlags': { ok: true, value: { actionId: 1 } },
      'messages.delete': { ok: true, value: { actionId: 2 } },
    },
  );
}

const press = (key: string, target: Element = document.body) => fireEvent.keyDown(target, { key });
const heading = () => within(reader()).getByRole('heading');
const listButton = (name: string) => within(messageList()).getByRole('button', { name: new RegExp(name) });

async function ready() {
  await waitFor(() => listButton('Third'));
}

describe('keyboard shortcuts', () => {
  it('j and k open the next and previous message', async () => {
    app();
    await ready();
    press('j');
    await waitFor(() => expect(heading().textContent).toBe('Third'));
    press('j');
    await waitFor(() => expect(heading().textContent).toBe('Second'));
    press('k');
    await waitFor(() => expect(heading().textContent).toBe('Third'));
  });

  it('a opens the composer with a reply to all: the sender and the other recipients, not oneself', async () => {
    app();
    await ready();
    press('j');
    await waitFor(() => expect(heading().textContent).toBe('Third'));
    press('a');
    await waitFor(() => expect(screen.getByLabelText('Subject', { exact: true })).toHaveProperty('value', 'Re: Third'));
    expect(screen.getByLabelText('To', { exact: true })).toHaveProperty('value', 'Bob <bob@example.test>, Carol <carol@example.test>');
    expect(screen.getByLabelText('Cc', { exact: true })).toHaveProperty('value', 'Dave <dave@example.test>');
  });

  it('f forwards the open message', async () => {
    app();
    await ready();
    press('j');
    await waitFor(() => expect(heading().textContent).toBe('Third'));
    press('f');
    await waitFor(() => expect(screen.getByLabelText('Subject', { exact: true })).toHaveProperty('value', 'Fwd: Third'));
    expect((screen.getByLabelText('Message', { exact: true }) as HTMLTextAreaElement).value).toContain('---------- Forwarded message ----------');
  });

  it('c composes a new message', async () => {
    app();
    await ready();
    press('c');
    await waitFor(() => expect(screen.getByLabelText('Subject', { exact: true })).toHaveProperty('value', ''));
  });

  it('u, s and # act on the open message', async () => {
    const { invoke } = app();
    await ready();
    press('j');
    await waitFor(() => expect(heading().textContent).toBe('Third'));
    press('u');
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [3], remove: ['seen'] }));
    press('s');
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [3], add: ['flagged'] }));
    press('#');
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.delete', { accountId: account.id, folder: 'INBOX', uids: [3] }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Message' })).toBeNull());
  });

  it('Delete and u act on every chosen message when several are chosen', async () => {
    const { invoke } = app();
    await ready();
    fireEvent.click(listButton('Third'));
    fireEvent.click(listButton('Second'), { shiftKey: true });
    press('u');
    // Not all of them are unread, so u marks them all unread (all unread: u marks them read).
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [3, 2], remove: ['seen'] }));
    press('Delete');
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.delete', { accountId: account.id, folder: 'INBOX', uids: [3, 2] }));
  });

  it('/ goes to the search box, where keys are typing, and Escape clears it', async () => {
    const { invoke } = app();
    await ready();
    press('/');
    const box = screen.getByRole('searchbox', { name: 'Search' });
    expect(document.activeElement).toBe(box);
    press('c', box);
    press('j', box);
    expect(screen.queryByLabelText('Subject', { exact: true })).toBeNull();
    expect(invoke).not.toHaveBeenCalledWith('message.open', expect.anything());
  });

  it('? opens the help, a dialog named "Keyboard shortcuts" listing them; Escape closes it', async () => {
    app();
    await ready();
    press('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    for (const key of ['c', 'r', 'a', 'f', 'j', 'k', '#', 'Delete', 'u', 's', '/', 'Escape', '?']) {
      expect(within(dialog).getAllByText(key, { selector: 'kbd' }).length).toBeGreaterThan(0);
    }
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }));
    // Shortcuts are off while it is open.
    press('c', document.activeElement!);
    expect(screen.queryByLabelText('Subject', { exact: true })).toBeNull();
    press('Escape', document.activeElement!);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('Escape closes the open message', async () => {
    app();
    await ready();
    press('j');
    await waitFor(() => expect(heading().textContent).toBe('Third'));
    press('Escape');
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Message' })).toBeNull());
  });
});

describe('what counts as typing', () => {
  it('text fields, text areas, selects and editable content; not buttons or checkboxes', () => {
    document.body.innerHTML =
      '<input id="t"><input id="cb" type="checkbox"><textarea id="ta"></textarea><select id="s"></select><div id="ce" contenteditable="true"><b id="in">x</b></div><button id="b">b</button>';
    const el = (id: string) => document.getElementById(id);
    expect(isTyping(el('t'))).toBe(true);
    expect(isTyping(el('ta'))).toBe(true);
    expect(isTyping(el('s'))).toBe(true);
    expect(isTyping(el('in'))).toBe(true);
    expect(isTyping(el('cb'))).toBe(false);
    expect(isTyping(el('b'))).toBe(false);
    const event = (key: string, target: Element | null, more = {}) => ({ key, target, ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false, isComposing: false, ...more });
    expect(shortcutFor(event('j', el('b')))).toBe('next');
    expect(shortcutFor(event('j', el('t')))).toBeUndefined();
    expect(shortcutFor(event('Escape', el('t')))).toBe('escape');
    expect(shortcutFor(event('c', el('b'), { ctrlKey: true }))).toBeUndefined();
    document.body.innerHTML = '';
  });
});
