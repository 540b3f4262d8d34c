// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageDetail } from '../../shared/schemas.js';
import { Compose } from '../../renderer/features/compose/Compose.js';
import { EMPTY_DRAFT, type Draft } from '../../renderer/features/compose/reply-draft.js';
import { forwardDraft, replyAllDraft, replyDraft } from '../../renderer/features/compose/answer-drafts.js';
import { splitAddresses } from '../../renderer/format.js';
import { testAccount } from '../support/test-account.js';
import { fakeClient } from './fake-client.js';
import { queuedItem } from './mail-fixtures.js';

afterEach(cleanup);

const account = testAccount();

describe('compose', () => {
  it('splits typed recipients into addresses, with or without display names', () => {
    expect(splitAddresses('Bob <bob@example.test>, carol@example.test; ,')).toEqual([
      'bob@example.test',
      'carol@example.test',
    ]);
  });

  it('sends To, Cc, Bcc, Subject and Message through mail.send', async () => {
    const { client, invoke } = fakeClient({ 'mail.send': { ok: true, value: queuedItem(account.id) } });
    const onSent = vi.fn();
    render(<Compose client={client} account={account} initial={EMPTY_DRAFT} onQueued={onSent} onDiscard={() => {}} />);
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'Bob <bob@example.test>' } });
    fireEvent.change(screen.getByLabelText('Cc'), { target: { value: 'carol@example.test' } });
    fireEvent.change(screen.getByLabelText('Bcc'), { target: { value: 'dave@example.test' } });
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hello Bob' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('mail.send', {
      accountId: account.id,
      to: ['bob@example.test'],
      cc: ['carol@example.test'],
      bcc: ['dave@example.test'],
      subject: 'Hi',
      text: 'Hello Bob',
      inReplyTo: undefined,
      references: [],
    });
  });

  it('keeps the draft and shows the error when sending fails', async () => {
    const { client } = fakeClient({
      'mail.send': { ok: false, error: { code: 'AUTH_FAILED', message: 'The server did not accept the password.', serverReply: '535 5.7.8 no' } },
    });
    const onSent = vi.fn();
    render(<Compose client={client} account={account} initial={{ ...EMPTY_DRAFT, to: 'bob@example.test', text: 'keep me' }} onQueued={onSent} onDiscard={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('535 5.7.8 no');
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('keep me');
    expect(onSent).not.toHaveBeenCalled();
  });
});

/** Bob's message that the replies answer. */
const BOBS: MessageDetail = {
  uid: 4,
  messageId: '<orig@example.test>',
  from: { name: 'Bob', address: 'bob@example.test' },
  subject: 'Lunch',
  flagged: false,
  hasAttachments: false,
  receivedAt: 0,
  attachments: [],
  date: '2026-11-20T12:00:00.000Z',
  unread: false,
  size: 100,
  to: [{ name: '', address: 'alice@example.test' }],
  cc: [],
  replyTo: [],
  references: ['<root@example.test>'],
  text: 'Friday?\nBob',
};

describe('a reply', () => {
  const original: MessageDetail = BOBS;

  it('goes to the sender, threads under the original and quotes it', () => {
    const draft = replyDraft(original);
    expect(draft.to).toBe('Bob <bob@example.test>');
    expect(draft.subject).toBe('Re: Lunch');
    expect(draft.inReplyTo).toBe('<orig@example.test>');
    expect(draft.references).toEqual(['<root@example.test>', '<orig@example.test>']);
    expect(draft.text).toContain('> Friday?\n> Bob');
  });

  it('goes to Reply-To when there is one, and does not stack “Re:”', () => {
    const draft = replyDraft({ ...original, subject: 'Re: Lunch', replyTo: [{ name: '', address: 'list@example.test' }] });
    expect(draft.to).toBe('list@example.test');
    expect(draft.subject).toBe('Re: Lunch');
  });
});

describe('the composer’s heading', () => {
  const original: MessageDetail = { ...BOBS, references: [], text: 'Friday?' };

  function headingFor(initial: Draft): string {
    render(<Compose client={fakeClient({}).client} account={account} initial={initial} onQueued={() => {}} onDiscard={() => {}} />);
    const heading = screen.getByRole('heading', { level: 2 });
    // The form is named by its visible heading; the controls keep their names.
    expect(screen.getByRole('form', { name: heading.textContent! })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
    cleanup();
    return heading.textContent!;
  }

  it('says in plain words what is being written: a new message, a reply or a forward', () => {
    expect(headingFor(EMPTY_DRAFT)).toBe('New message');
    expect(headingFor(replyDraft(original))).toBe('Reply');
    expect(headingFor(replyAllDraft(original, ['alice@example.test']))).toBe('Reply');
    expect(headingFor(forwardDraft(original, 'INBOX'))).toBe('Forward');
    // A reply reopened from Drafts (it has no purpose of its own, only what it answers).
    expect(headingFor({ ...EMPTY_DRAFT, inReplyTo: '<orig@example.test>', draftId: 'd1' })).toBe('Reply');
  });
});
