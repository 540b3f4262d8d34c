// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../shared/schemas.js';
import { testAccount } from '../support/test-account.js';
import { folder, opensListed, summary } from './mail-fixtures.js';
import { messageList, openMessage, reader, renderApp } from './render-app.js';

afterEach(cleanup);

const account = testAccount();
const FOLDERS = [
  folder('INBOX', 'inbox'),
  folder('Sent', 'sent'),
  folder('Trash', 'trash'),
  folder('Projects', null, { selectable: false }),
  folder('Projects/Mua', null),
];

/** The app on a fake main whose Inbox holds `inbox`; opening marks read, as main does. */
function app(inbox: MessageSummary[]) {
  let listed = inbox;
  const fake = renderApp(
    { folders: FOLDERS },
    {
      'messages.list': () => ({ ok: true, value: listed }),
      'message.open': opensListed(() => listed),
      'messages.setFlags': { ok: true, value: { actionId: 1 } },
      'messages.delete': { ok: true, value: { actionId: 2 } },
      'messages.move': { ok: true, value: { actionId: 3 } },
    },
  );
  /** What main's store now says: the list redraws on messages.changed, as it does for real. */
  const storeNow = (next: MessageSummary[]) => {
    listed = next;
    fake.emit('messages.changed', { accountId: account.id, folder: 'INBOX' });
  };
  return { ...fake, storeNow };
}

describe('the message list', () => {
  it('says in words which messages are flagged and which have attachments', async () => {
    app([
      summary(3, 'Plain'),
      summary(2, 'Report', { hasAttachments: true, unread: true }),
      summary(1, 'Important', { flagged: true }),
    ]);
    const rows = await waitFor(() => within(messageList()).getAllByRole('button'));
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.not.stringMatching(/flagged|attachment/),
      expect.stringMatching(/, unread, has attachment$/),
      expect.stringMatching(/, flagged$/),
    ]);
    expect(within(messageList()).getByRole('button', { name: /Report.*, unread, has attachment/ })).toBeTruthy();
    expect(within(messageList()).getByRole('button', { name: /Important.*, flagged/ })).toBeTruthy();
    // The marks beside the text are pictures only: their meaning is in the words above.
    for (const mark of messageList().querySelectorAll('svg')) expect(mark.getAttribute('aria-hidden')).toBe('true');
    expect(messageList().querySelectorAll('svg')).toHaveLength(2);
  });
});

describe('the reader’s actions', () => {
  it('offers Reply, Reply all, Forward, Delete, Mark as unread, Flag and Move as real buttons in a toolbar', async () => {
    app([summary(4, 'Lunch')]);
    await openMessage('Lunch');
    const toolbar = within(reader()).getByRole('toolbar', { name: 'Message actions' });
    const buttons = within(toolbar).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['Reply', 'Reply all', 'Forward', 'Delete', 'Mark as unread', 'Flag', 'Move']);
    for (const b of buttons) expect(b.tagName).toBe('BUTTON');
    // The account's other folders that can hold messages: not the Inbox it is in, not "Projects".
    const moveTo = within(toolbar).getByRole('combobox', { name: 'Move to' });
    expect(within(moveTo).getAllByRole('option').map((o) => o.textContent)).toEqual(['Sent', 'Trash', 'Mua']);
  });

  it('is one Tab stop, with the arrow keys moving along it', async () => {
    app([summary(4, 'Lunch')]);
    await openMessage('Lunch');
    const toolbar = within(reader()).getByRole('toolbar', { name: 'Message actions' });
    const controls = [...toolbar.querySelectorAll<HTMLElement>('button, select')];
    expect(controls.map((c) => c.tabIndex)).toEqual([0, -1, -1, -1, -1, -1, -1, -1]);
    controls[0]!.focus();
    fireEvent.keyDown(controls[0]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(controls[1]);
    fireEvent.keyDown(controls[1]!, { key: 'End' });
    expect(document.activeElement).toBe(controls[7]);
    fireEvent.keyDown(controls[7]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(controls[0]);
    fireEvent.keyDown(controls[0]!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(controls[7]);
    await waitFor(() => expect(controls.map((c) => c.tabIndex)).toEqual([-1, -1, -1, -1, -1, -1, -1, 0]));
  });

  it('marks the message unread and read again through messages.setFlags', async () => {
    const { invoke } = app([summary(4, 'Lunch', { unread: true })]);
    await openMessage('Lunch');
    fireEvent.click(screen.getByRole('button', { name: 'Mark as unread' }));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [4], remove: ['seen'] }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Mark as read' }));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [4], add: ['seen'] }),
    );
    expect(await screen.findByRole('button', { name: 'Mark as unread' })).toBeTruthy();
  });

  it('flags and unflags the message through messages.setFlags', async () => {
    const { invoke } = app([summary(4, 'Lunch')]);
    await openMessage('Lunch');
    fireEvent.click(screen.getByRole('button', { name: 'Flag' }));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [4], add: ['flagged'] }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Unflag' }));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith('messages.setFlags', { accountId: account.id, folder: 'INBOX', uids: [4], remove: ['flagged'] }),
    );
    expect(await screen.findByRole('button', { name: 'Flag' })).toBeTruthy();
  });

  it('follows the message’s state: a flagged message offers Unflag, and the list’s changes show in the reader', async () => {
    const { storeNow } = app([summary(4, 'Lunch', { flagged: true })]);
    await openMessage('Lunch');
    expect(screen.getByRole('button', { name: 'Unflag' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Mark as unread' })).toBeTruthy();
    // Main's store changes under it (another device, or a change rolled back): the reader follows.
    storeNow([summary(4, 'Lunch', { flagged: false, unread: true })]);
    expect(await screen.findByRole('button', { name: 'Flag' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Mark as read' })).toBeTruthy();
    expect(within(messageList()).getByRole('button', { name: /Lunch.*, unread/ })).toBeTruthy();
  });

  it('deletes the message through messages.delete and closes the reader', async () => {
    const { invoke, storeNow } = app([summary(5, 'Newer'), summary(4, 'Lunch')]);
    await openMessage('Lunch');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.delete', { accountId: account.id, folder: 'INBOX', uids: [4] }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Message' })).toBeNull());
    // Focus goes back to the list's heading rather than to the top of the page.
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Inbox' }));
    storeNow([summary(5, 'Newer')]);
    await waitFor(() => expect(within(messageList()).queryByRole('button', { name: /Lunch/ })).toBeNull());
  });

  it('moves the message to the folder chosen in “Move to” through messages.move and closes the reader', async () => {
    const { invoke } = app([summary(4, 'Lunch')]);
    await openMessage('Lunch');
    fireEvent.change(screen.getByRole('combobox', { name: 'Move to' }), { target: { value: 'Projects/Mua' } });
    fireEvent.click(screen.getByRole('button', { name: 'Move' }));
    await waitFor(() =>
      expect(invoke).toHaveBeenCalledWith('messages.move', { accountId: account.id, folder: 'INBOX', uids: [4], to: 'Projects/Mua' }),
    );
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Message' })).toBeNull());
  });

  it('keeps the reader open and shows why when main refuses the request', async () => {
    const { replies } = app([summary(4, 'Lunch')]);
    replies['messages.delete'] = { ok: false, error: { code: 'NOT_FOUND', message: 'That folder does not exist.' } };
    await openMessage('Lunch');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That folder does not exist.');
    expect(screen.getByRole('article', { name: 'Message' })).toBeTruthy();
  });
});

describe('an action the server refused', () => {
  it('shows the server’s reason in the alert, for the account on screen only', async () => {
    const { emit, storeNow } = app([summary(4, 'Lunch')]);
    await openMessage('Lunch');
    emit('action.failed', {
      accountId: 'acc_someone_else',
      folder: 'INBOX',
      error: { code: 'SERVER_ERROR', message: 'Not this account.' },
    });
    expect(screen.queryByRole('alert')).toBeNull();
    // As main sends it: the store rolled back (messages.changed), then the reason.
    storeNow([summary(4, 'Lunch')]);
    emit('action.failed', {
      accountId: account.id,
      folder: 'INBOX',
      error: { code: 'SERVER_ERROR', message: 'Mailbox does not exist: Archive/Old', serverReply: 'NO [TRYCREATE] Mailbox does not exist' },
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Mailbox does not exist: Archive/Old');
    expect(alert.textContent).toContain('NO [TRYCREATE] Mailbox does not exist');
    // A later redraw of the list does not take the reason away before the person has read it.
    storeNow([summary(4, 'Lunch')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByRole('alert').textContent).toContain('Mailbox does not exist: Archive/Old');
  });
});
