// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SEARCH_DELAY_MS } from '../../renderer/features/mailbox/use-search.js';
import { testAccount } from '../support/test-account.js';
import { detail, folder, summary } from './mail-fixtures.js';
import { messageList, renderApp } from './render-app.js';

afterEach(cleanup);

const account = testAccount();
const INBOX = [summary(8, 'Weekly report'), summary(7, 'Holiday plans')];
const FOUND = [
  { ...summary(31, 'Re: Lunch on Friday?'), folder: 'Sent' },
  { ...summary(12, 'Lunch menu', { hasAttachments: true }), folder: 'Projects/Mua' },
];

function app() {
  return renderApp(
    { folders: [folder('INBOX', 'inbox'), folder('Sent', 'sent'), folder('Projects/Mua', null)], messages: INBOX },
    {
      'messages.search': ({ query }: { query: string }) => ({
        ok: true,
        value: { messages: FOUND.filter((m) => m.subject.toLowerCase().includes(query.toLowerCase())), serverChecked: false, incomplete: false },
      }),
      'message.open': ({ uid, folder: path }: { uid: number; folder: string }) => ({
        ok: true,
        value: detail(FOUND.find((f) => f.uid === uid && f.folder === path) ?? INBOX.find((i) => i.uid === uid)!),
      }),
    },
  );
}

const box = () => screen.getByRole('searchbox', { name: 'Search' });
const rows = () => within(messageList()).getAllByRole('button');

async function folderShown() {
  await waitFor(() => expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('Weekly report'), expect.stringContaining('Holiday plans')]));
}

describe('the search box', () => {
  it('sits above the message list, labelled Search', async () => {
    app();
    await folderShown();
    const input = box();
    expect(input.getAttribute('type')).toBe('search');
    expect(screen.getByRole('search')).toBeTruthy();
    // Before the list in the page's order, as it is on screen.
    expect(input.compareDocumentPosition(screen.getByRole('list', { name: 'Messages' })) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('asks messages.search for the account, all folders, once typing pauses, and lists what it finds with their folders', async () => {
    const { callsOf } = app();
    await folderShown();
    fireEvent.change(box(), { target: { value: 'l' } });
    fireEvent.change(box(), { target: { value: 'lu' } });
    fireEvent.change(box(), { target: { value: 'lunch' } });
    expect(callsOf('messages.search')).toHaveLength(0);
    await waitFor(() => expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('Re: Lunch on Friday?'), expect.stringContaining('Lunch menu')]));
    // One request for what was typed, not one per keystroke; no folder: every folder of the account.
    expect(callsOf('messages.search')).toEqual([{ accountId: account.id, query: 'lunch', limit: 100 }]);
    // Each result says which folder it is in, by the folder's name.
    expect(screen.getByRole('button', { name: /Re: Lunch on Friday\?.*, in Sent$/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Lunch menu.*, has attachment, in Mua$/ })).toBeTruthy();
    expect(screen.getByText('2 messages found in all folders.')).toBeTruthy();
  });

  it('waits about 150 ms after the last key', async () => {
    const { callsOf } = app();
    await folderShown();
    fireEvent.change(box(), { target: { value: 'lunch' } });
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DELAY_MS - 60));
    expect(callsOf('messages.search')).toHaveLength(0);
    await waitFor(() => expect(callsOf('messages.search')).toHaveLength(1));
  });

  it('says so when nothing is found', async () => {
    app();
    await folderShown();
    fireEvent.change(box(), { target: { value: 'nothing like it' } });
    expect(await screen.findByText('No messages found in any folder.')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Messages' })).toBeNull();
  });

  it('returns to the folder’s list on Escape, and when cleared', async () => {
    app();
    await folderShown();
    fireEvent.change(box(), { target: { value: 'lunch' } });
    await waitFor(() => expect(rows()[0]!.textContent).toContain('Re: Lunch'));
    fireEvent.keyDown(box(), { key: 'Escape' });
    expect((box() as HTMLInputElement).value).toBe('');
    await folderShown();

    fireEvent.change(box(), { target: { value: 'lunch' } });
    await waitFor(() => expect(rows()[0]!.textContent).toContain('Re: Lunch'));
    fireEvent.change(box(), { target: { value: '' } });
    await folderShown();
  });

  it('opens a result from its own folder', async () => {
    const { invoke } = app();
    await folderShown();
    fireEvent.change(box(), { target: { value: 'lunch' } });
    fireEvent.click(await screen.findByRole('button', { name: /Re: Lunch on Friday\?/ }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('message.open', { accountId: account.id, folder: 'Sent', uid: 31 }));
    const reader = await screen.findByRole('article', { name: 'Message' });
    await waitFor(() => expect(within(reader).getByRole('heading').textContent).toBe('Re: Lunch on Friday?'));
    expect(screen.getByRole('button', { name: /Re: Lunch on Friday\?/ }).getAttribute('aria-current')).toBe('true');
    // Its actions apply where it is: Sent is not offered as a place to move it to.
    const moveTo = within(reader).getByRole('combobox', { name: 'Move to' });
    expect(within(moveTo).getAllByRole('option').map((o) => o.textContent)).toEqual(['Inbox', 'Mua']);
  });

  it('asks again when the store changes under the results', async () => {
    const { callsOf, emit } = app();
    await folderShown();
    fireEvent.change(box(), { target: { value: 'lunch' } });
    await waitFor(() => expect(callsOf('messages.search')).toHaveLength(1));
    emit('messages.changed', { accountId: account.id, folder: 'Sent' });
    await waitFor(() => expect(callsOf('messages.search')).toHaveLength(2));
  });

  it('is emptied when another folder is chosen', async () => {
    app();
    await folderShown();
    fireEvent.change(box(), { target: { value: 'lunch' } });
    await waitFor(() => expect(rows()[0]!.textContent).toContain('Re: Lunch'));
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Folders' })).getByRole('button', { name: 'Sent' }));
    await waitFor(() => expect((box() as HTMLInputElement).value).toBe(''));
    await folderShown();
  });

  it('lists the local answer at once, then asks the server where the copy is still coming in, and lists its answer', async () => {
    const OLD = { ...summary(2, 'Lunch in 2019'), folder: 'INBOX' };
    let answerServer: (reply: unknown) => void = () => {};
    const { callsOf } = renderApp(
      { folders: [folder('INBOX', 'inbox'), folder('Sent', 'sent')], messages: INBOX },
      {
        'messages.search': ({ askServer }: { askServer?: boolean }) =>
          (askServer
            ? new Promise((resolve) => (answerServer = resolve))
            : { ok: true, value: { messages: [FOUND[0]], serverChecked: false, incomplete: true } }) as never,
      },
    );
    await folderShown();
    fireEvent.change(box(), { target: { value: 'lunch' } });
    await waitFor(() => expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('Re: Lunch on Friday?')]));
    const summaryLine = () => screen.getByText(/found in all folders/).textContent;
    expect(summaryLine()).toBe('1 message found in all folders. Asking the server about folders still being fetched…');
    expect(callsOf('messages.search')).toEqual([
      { accountId: account.id, query: 'lunch', limit: 100 },
      { accountId: account.id, query: 'lunch', limit: 100, askServer: true },
    ]);
    answerServer({ ok: true, value: { messages: [FOUND[0], OLD], serverChecked: true, incomplete: true } });
    await waitFor(() => expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('Re: Lunch on Friday?'), expect.stringContaining('Lunch in 2019')]));
    expect(summaryLine()).toBe('2 messages found in all folders.');
  });

  it('says when the server could not be asked, and keeps the local answer', async () => {
    renderApp(
      { folders: [folder('INBOX', 'inbox')], messages: INBOX },
      { 'messages.search': () => ({ ok: true, value: { messages: [FOUND[0]], serverChecked: false, incomplete: true } }) },
    );
    await folderShown();
    fireEvent.change(box(), { target: { value: 'lunch' } });
    await waitFor(() =>
      expect(screen.getByText(/found in all folders/).textContent).toBe('1 message found in all folders. The server could not be asked about folders still being fetched.'),
    );
    expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('Re: Lunch on Friday?')]);
  });
});
