// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Compose } from '../../renderer/features/compose/Compose.js';
import { lastPart, withChosen } from '../../renderer/features/compose/AddressField.js';
import { formatSize, mentionsAttachment, readAttachments, toBase64 } from '../../renderer/features/compose/attachments.js';
import { EMPTY_DRAFT, type Draft } from '../../renderer/features/compose/reply-draft.js';
import { testAccount } from '../support/test-account.js';
import { fakeClient, type ScriptedReply } from './fake-client.js';
import { composerReplies } from './mail-fixtures.js';

afterEach(cleanup);

const account = testAccount();
const MB = 1024 * 1024;

const SUGGESTIONS = [
  { name: 'Alice Smith', address: 'alice@example.test', count: 5, lastSeen: 1 },
  { name: '', address: 'alan@example.test', count: 2, lastSeen: 1 },
];

function compose(replies: Record<string, ScriptedReply> = {}, initial: Draft = EMPTY_DRAFT, autosaveDelayMs = 60_000) {
  const fake = fakeClient({ ...composerReplies(account.id, SUGGESTIONS), ...replies });
  const onQueued = vi.fn();
  const onDiscard = vi.fn();
  const view = render(
    <Compose client={fake.client} account={account} initial={initial} onQueued={onQueued} onDiscard={onDiscard} autosaveDelayMs={autosaveDelayMs} />,
  );
  return { ...fake, onQueued, onDiscard, view };
}

function file(name: string, content: string, type = 'text/plain'): File {
  return new File([content], name, { type });
}

describe('To, Cc and Bcc: an ARIA combobox with addresses seen', () => {
  it('works out the address being typed and puts a chosen one in its place', () => {
    expect(lastPart('bob@example.test, al')).toEqual({ head: 'bob@example.test,', typed: 'al' });
    expect(withChosen('bob@example.test, al', { name: 'Alice Smith', address: 'alice@example.test' })).toBe(
      'bob@example.test, Alice Smith <alice@example.test>, ',
    );
    expect(withChosen('al', { name: '', address: 'alan@example.test' })).toBe('alan@example.test, ');
    // A name that would break the list is cleaned.
    expect(withChosen('x', { name: 'Smith, "Al" <x>', address: 'al@example.test' })).toBe('Smith Al x <al@example.test>, ');
  });

  it('asks addresses.suggest as the person types, and takes one with the keyboard', async () => {
    const { callsOf } = compose();
    const to = screen.getByRole('combobox', { name: 'To' });
    expect(to.getAttribute('aria-expanded')).toBe('false');
    expect(to.getAttribute('aria-autocomplete')).toBe('list');
    fireEvent.focus(to);
    fireEvent.change(to, { target: { value: 'bob@example.test, al' } });
    const list = await screen.findByRole('listbox', { name: 'To suggestions' });
    expect(to.getAttribute('aria-expanded')).toBe('true');
    expect(to.getAttribute('aria-controls')).toBe(list.id);
    expect(callsOf('addresses.suggest').at(-1)).toEqual({ query: 'al', limit: 8, exclude: ['bob@example.test'] });
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Alice Smith <alice@example.test>', 'alan@example.test']);

    fireEvent.keyDown(to, { key: 'ArrowDown' });
    expect(to.getAttribute('aria-activedescendant')).toBe(options[0]!.id);
    expect(options[0]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(to, { key: 'ArrowDown' });
    expect(to.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    fireEvent.keyDown(to, { key: 'ArrowDown' });
    expect(to.getAttribute('aria-activedescendant')).toBe(options[0]!.id);
    fireEvent.keyDown(to, { key: 'Enter' });
    expect((to as HTMLInputElement).value).toBe('bob@example.test, Alice Smith <alice@example.test>, ');
    expect(to.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('closes the list on Escape, and takes a suggestion on a click', async () => {
    compose();
    const cc = screen.getByRole('combobox', { name: 'Cc' });
    fireEvent.focus(cc);
    fireEvent.change(cc, { target: { value: 'al' } });
    await screen.findByRole('listbox', { name: 'Cc suggestions' });
    fireEvent.keyDown(cc, { key: 'Escape' });
    expect(cc.getAttribute('aria-expanded')).toBe('false');
    fireEvent.change(cc, { target: { value: 'ala' } });
    const list = await screen.findByRole('listbox', { name: 'Cc suggestions' });
    fireEvent.mouseDown(within(list).getByRole('option', { name: 'alan@example.test' }));
    expect((cc as HTMLInputElement).value).toBe('alan@example.test, ');
  });
});

describe('attachments', () => {
  it('reads files into base64 with their sizes, and refuses what would pass 25 MB with a clear error', async () => {
    expect(toBase64(new TextEncoder().encode('hello'))).toBe('aGVsbG8=');
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(3 * MB)).toBe('3.0 MB');
    const huge = { name: 'video.mp4', type: 'video/mp4', size: 26 * MB, arrayBuffer: () => Promise.reject(new Error('must not be read')) };
    const small = { name: 'a\u0007.txt', type: 'bogus type', size: 2, arrayBuffer: async () => new Uint8Array([104, 105]).buffer };
    const { added, error } = await readAttachments([huge, small], []);
    expect(added).toEqual([{ filename: 'a.txt', contentType: 'application/octet-stream', contentBase64: 'aGk=', size: 2 }]);
    expect(error).toMatch(/at most 25 MB in all\. Not attached: video\.mp4 \(26\.0 MB\)/);
    // Counted with what is attached already.
    const already = [{ filename: 'big', contentType: 'application/pdf', contentBase64: '', size: 24 * MB }];
    expect((await readAttachments([{ ...small, size: 2 * MB }], already)).added).toEqual([]);
  });

  it('attaches by the picker and by drag and drop, lists name and size with Remove, and sends them', async () => {
    const { onQueued, callsOf } = compose({}, { ...EMPTY_DRAFT, to: 'bob@example.test', subject: 'Files' });
    expect(screen.getByRole('button', { name: 'Attach files' })).toBeTruthy();
    const input = document.querySelector('input[type=file]') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [file('notes.txt', 'hello')] } });
    const list = await screen.findByRole('list', { name: 'Attachments' });
    expect(list.textContent).toContain('notes.txt');
    expect(list.textContent).toContain('5 B');

    const form = screen.getByRole('form', { name: 'New message' });
    fireEvent.dragOver(form, { dataTransfer: { types: ['Files'], files: [] } });
    expect(form.className).toContain('dragging');
    fireEvent.drop(form, { dataTransfer: { types: ['Files'], files: [file('photo.png', 'PNG', 'image/png')] } });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(form.className).not.toContain('dragging');

    fireEvent.click(screen.getByRole('button', { name: 'Remove notes.txt' }));
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringContaining('photo.png')]);

    fireEvent.click(screen.getByRole('button', { name: 'Send', exact: true } as never));
    await waitFor(() => expect(onQueued).toHaveBeenCalled());
    expect(callsOf('mail.send')[0]!.attachments).toEqual([{ filename: 'photo.png', contentType: 'image/png', contentBase64: 'UE5H' }]);
  });
});

describe('the attachment reminder', () => {
  it('knows when a text speaks of an attachment, not counting quoted text', () => {
    for (const text of ['Please see attached.', 'The attachment has the figures', 'Enclosed is the contract', 'see the file I sent', 'I have attached it'])
      expect(mentionsAttachment(text), text).toBe(true);
    for (const text of ['Lunch on Friday?', '> see attached\nThanks!', 'Detached house', 'Hi\n\n---------- Forwarded message ----------\nsee attached'])
      expect(mentionsAttachment(text), text).toBe(false);
  });

  it('asks before sending a message that mentions an attachment without one: Send anyway sends', async () => {
    const { onQueued, callsOf } = compose({}, { ...EMPTY_DRAFT, to: 'bob@example.test', subject: 'Report', text: 'The report is attached.' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const dialog = await screen.findByRole('dialog', { name: 'Forgot the attachment?' });
    expect(callsOf('mail.send')).toEqual([]);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Attach a file' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send anyway' }));
    await waitFor(() => expect(onQueued).toHaveBeenCalled());
    expect(callsOf('mail.send')).toHaveLength(1);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Attach a file opens the picker and sends nothing; with a file attached it does not ask', async () => {
    const { onQueued, callsOf } = compose({}, { ...EMPTY_DRAFT, to: 'bob@example.test', text: 'See the attachment.' });
    const input = document.querySelector('input[type=file]') as HTMLInputElement;
    const picker = vi.spyOn(input, 'click');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Attach a file' }));
    expect(picker).toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(callsOf('mail.send')).toEqual([]);
    fireEvent.change(input, { target: { files: [file('report.pdf', '%PDF', 'application/pdf')] } });
    await screen.findByRole('list', { name: 'Attachments' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onQueued).toHaveBeenCalled());
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('drafts saved automatically', () => {
  it('saves once typing pauses, again with the draft id after more typing, and discards the draft once sent', async () => {
    const { onQueued, callsOf } = compose({}, EMPTY_DRAFT, 40);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Plans' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'First' } });
    await waitFor(() => expect(callsOf('drafts.save')).toHaveLength(1));
    expect(callsOf('drafts.save')[0]).toEqual({
      draftId: undefined,
      message: expect.objectContaining({ accountId: account.id, subject: 'Plans', text: 'First', to: [], attachments: [] }),
    });
    await screen.findByText(/^Draft saved at/);
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'Bob <bob@example.test>, half' } });
    await waitFor(() => expect(callsOf('drafts.save')).toHaveLength(2));
    expect(callsOf('drafts.save')[1]).toMatchObject({ draftId: 'draft00001', message: { to: ['Bob <bob@example.test>', 'half'] } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'bob@example.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onQueued).toHaveBeenCalled());
    await waitFor(() => expect(callsOf('drafts.discard')).toEqual([{ draftId: 'draft00001', accountId: account.id }]));
    // Sent: no later save brings it back.
    await new Promise((r) => setTimeout(r, 100));
    expect(callsOf('drafts.save')).toHaveLength(2);
  });

  it('saves when the composer closes with unsaved changes, not before the pause otherwise', async () => {
    const { view, callsOf } = compose({}, EMPTY_DRAFT, 60_000);
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Half a thought' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(callsOf('drafts.save')).toEqual([]);
    view.unmount();
    await waitFor(() => expect(callsOf('drafts.save')).toHaveLength(1));
    expect(callsOf('drafts.save')[0]!.message).toMatchObject({ text: 'Half a thought' });
  });

  it('continues a reopened draft under its id, and Discard deletes it without saving', async () => {
    const { onDiscard, callsOf } = compose({}, { ...EMPTY_DRAFT, subject: 'Old', draftId: 'reopened01' }, 30);
    // Opening it changes nothing: no save.
    await new Promise((r) => setTimeout(r, 60));
    expect(callsOf('drafts.save')).toEqual([]);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Old, edited' } });
    await waitFor(() => expect(callsOf('drafts.save')).toHaveLength(1));
    expect(callsOf('drafts.save')[0]!.draftId).toBe('reopened01');
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(onDiscard).toHaveBeenCalled();
    await waitFor(() => expect(callsOf('drafts.discard')).toHaveLength(1));
  });
});

describe('send later', () => {
  it('offers a date and time, and sends with sendAt', async () => {
    const { onQueued, callsOf } = compose({}, { ...EMPTY_DRAFT, to: 'bob@example.test', subject: 'Later' });
    fireEvent.click(screen.getByRole('button', { name: 'Send later' }));
    const at = screen.getByLabelText('Send at') as HTMLInputElement;
    expect(at.type).toBe('datetime-local');
    fireEvent.change(at, { target: { value: '2000-01-01T09:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Schedule send' }));
    expect((await screen.findByRole('alert')).textContent).toContain('in the future');
    const next = new Date(Date.now() + 3 * 24 * 3600_000);
    next.setSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${next.getFullYear()}-${pad(next.getMonth() + 1)}-${pad(next.getDate())}T${pad(next.getHours())}:${pad(next.getMinutes())}`;
    fireEvent.change(at, { target: { value: local } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Schedule send' })));
    await waitFor(() => expect(onQueued).toHaveBeenCalled());
    expect(callsOf('mail.send')[0]!.sendAt).toBe(next.toISOString());
  });
});
