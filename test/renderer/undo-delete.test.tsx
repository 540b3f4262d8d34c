// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/contract.js';
import { UNDO_SECONDS } from '../../renderer/features/mailbox/removal-undo.js';
import { testAccount } from '../support/test-account.js';
import { folder, opensListed, summary } from './mail-fixtures.js';
import { messageList, openMessage, reader, renderApp } from './render-app.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});
beforeEach(() => localStorage.clear());

const account = testAccount();
const FOLDERS = [folder('INBOX', 'inbox'), folder('Sent', 'sent'), folder('Trash', 'trash')];
const MESSAGES = [summary(3, 'Lunch'), summary(2, 'Dinner'), summary(1, 'Breakfast')];

function app({ folders = FOLDERS, undo = { ok: true, value: { undone: true, actionId: 40 } } as Reply<unknown> } = {}) {
  let deletes = 0;
  return renderApp(
    { folders, messages: MESSAGES },
    {
      'message.open': opensListed(() => MESSAGES),
      'messages.delete': () => ({ ok: true, value: { actionId: 20 + deletes++ } }),
      'messages.move': { ok: true, value: { actionId: 30 } },
      'messages.undo': undo,
    },
  );
}

const undoButton = () => screen.queryByRole('button', { name: 'Undo' });

async function chooseFolder(name: string) {
  const nav = await screen.findByRole('navigation', { name: 'Folders' });
  fireEvent.click(within(nav).getByRole('button', { name }));
  await screen.findByRole('heading', { name });
}

describe('Undo after Delete', () => {
  it('says where the message went, with Undo, which asks main to undo exactly that delete', async () => {
    const { invoke } = app();
    await openMessage('Lunch');
    fireEvent.click(within(reader()).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Message moved to Trash.'));
    fireEvent.click(undoButton()!);
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.undo', { accountId: account.id, actionId: 20 }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Message back in Inbox.'));
    expect(undoButton()).toBeNull();
  });

  it('offers Undo for some seconds only', async () => {
    app();
    await openMessage('Lunch');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fireEvent.click(within(reader()).getByRole('button', { name: 'Delete' }));
    await vi.waitFor(() => expect(undoButton()).not.toBeNull());
    act(() => vi.advanceTimersByTime((UNDO_SECONDS - 1) * 1000));
    expect(undoButton()).not.toBeNull();
    act(() => vi.advanceTimersByTime(1000));
    expect(undoButton()).toBeNull();
  });

  it('undoes a Move the same way, and a delete of several chosen messages request by request', async () => {
    const { invoke } = app();
    await openMessage('Lunch');
    fireEvent.change(within(reader()).getByRole('combobox', { name: 'Move to' }), { target: { value: 'Sent' } });
    fireEvent.click(within(reader()).getByRole('button', { name: 'Move' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Message moved to Sent.'));
    fireEvent.click(undoButton()!);
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.undo', { accountId: account.id, actionId: 30 }));

    const [, second, third] = within(messageList()).getAllByRole('button');
    fireEvent.click(second!);
    fireEvent.click(third!, { ctrlKey: true });
    fireEvent.click(within(await screen.findByRole('toolbar', { name: 'Selected messages' })).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('2 messages moved to Trash.'));
    fireEvent.click(undoButton()!);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('2 messages back in Inbox.'));
    expect(invoke).toHaveBeenCalledWith('messages.undo', { accountId: account.id, actionId: 20 });
  });

  it('shows why when main cannot undo it, in an alert', async () => {
    app({ undo: { ok: false, error: { code: 'NOT_FOUND', message: 'That change can no longer be undone here. Find the message where it went and move it back.' } } });
    await openMessage('Lunch');
    fireEvent.click(within(reader()).getByRole('button', { name: 'Delete' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That change can no longer be undone here.');
  });

  it('is for the latest Delete: a second one takes the status, and Undo undoes that one only', async () => {
    const { invoke, callsOf } = app();
    await openMessage('Lunch');
    fireEvent.click(within(reader()).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(undoButton()).not.toBeNull());
    await openMessage('Dinner');
    fireEvent.click(within(reader()).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.delete', { accountId: account.id, folder: 'INBOX', uids: [2] }));
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Undo' })).toHaveLength(1));
    fireEvent.click(undoButton()!);
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.undo', { accountId: account.id, actionId: 21 }));
    expect(callsOf('messages.undo')).toHaveLength(1);
  });
});

describe('Delete inside Trash', () => {
  it('asks before deleting for good, and Cancel deletes nothing', async () => {
    const { callsOf } = app();
    await chooseFolder('Trash');
    await openMessage('Lunch');
    fireEvent.click(within(reader()).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete for good?' });
    expect(dialog.textContent).toContain('This cannot be undone.');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(callsOf('messages.delete')).toEqual([]);
    expect(within(reader()).getByRole('heading').textContent).toBe('Lunch');
  });

  it('deletes for good once confirmed, and offers no Undo', async () => {
    const { invoke } = app();
    await chooseFolder('Trash');
    await openMessage('Lunch');
    fireEvent.click(within(reader()).getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete for good' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('messages.delete', { accountId: account.id, folder: 'Trash', uids: [3] }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Message deleted for good.'));
    expect(undoButton()).toBeNull();
  });

  it('asks for the Delete key too, and Escape cancels; in an account without Trash every delete asks', async () => {
    const { callsOf } = app({ folders: [folder('INBOX', 'inbox'), folder('Sent', 'sent')] });
    await openMessage('Lunch');
    fireEvent.keyDown(document.body, { key: 'Delete' });
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete for good?' });
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(callsOf('messages.delete')).toEqual([]);
  });
});
