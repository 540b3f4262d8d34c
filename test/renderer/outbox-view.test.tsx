// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutboxItem } from '../../shared/outbox.js';
import { OutboxView } from '../../renderer/features/outbox/OutboxView.js';
import { fakeClient } from './fake-client.js';

afterEach(cleanup);

const base = { accountId: 'acc_12345678', messageId: '<m@example.test>', recipients: ['bob@example.test'], attempts: 0, sentCopy: 'pending' as const };
const inADay = new Date(Date.now() + 24 * 3600_000).toISOString();
const ITEMS: OutboxItem[] = [
  { ...base, id: '00000000-0000-4000-8000-000000000001', subject: 'Later one', state: 'scheduled', sendAt: inADay },
  {
    ...base,
    id: '00000000-0000-4000-8000-000000000002',
    subject: 'Retrying one',
    state: 'retrying',
    sendAt: new Date(Date.now() - 60_000).toISOString(),
    attempts: 2,
    retryAt: new Date(Date.now() + 30_000).toISOString(),
    error: { code: 'CONNECTION_LOST', message: 'The server is busy.', serverReply: '451 4.3.0 try again later' },
  },
  {
    ...base,
    id: '00000000-0000-4000-8000-000000000003',
    subject: 'Failed one',
    state: 'failed',
    sendAt: new Date(Date.now() - 120_000).toISOString(),
    attempts: 1,
    error: { code: 'RECIPIENT_REJECTED', message: 'The server refused every recipient.', serverReply: '550 5.1.1 no such user' },
  },
  { ...base, id: '00000000-0000-4000-8000-000000000004', subject: 'Sent one', state: 'sent', sendAt: new Date(Date.now() - 300_000).toISOString(), sentAt: new Date().toISOString(), accepted: ['bob@example.test'], sentCopy: 'filed' },
];

const itemNamed = (subject: string) => screen.getAllByRole('listitem').find((li) => li.textContent?.includes(subject))!;

describe('the outbox view', () => {
  it('lists queued, retrying (and why), failed (and why) and sent messages, with Retry and Cancel as each state allows', async () => {
    const { client } = fakeClient({ 'outbox.list': { ok: true, value: ITEMS } });
    render(<OutboxView client={client} onEdit={() => {}} onClose={() => {}} />);
    await screen.findByRole('list', { name: 'Outbox messages' });
    expect(screen.getByRole('heading', { name: 'Outbox' })).toBeTruthy();

    const later = itemNamed('Later one');
    expect(later.textContent).toContain('Scheduled to send at');
    expect(within(later).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(later).getByRole('button', { name: 'Cancel' })).toBeTruthy();

    const retrying = itemNamed('Retrying one');
    expect(retrying.textContent).toMatch(/Waiting to retry at .* \(attempt 2\)/);
    expect(retrying.textContent).toContain('451 4.3.0 try again later');
    expect(within(retrying).getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(within(retrying).getByRole('button', { name: 'Cancel' })).toBeTruthy();

    const failed = itemNamed('Failed one');
    expect(failed.textContent).toContain('Failed');
    expect(failed.textContent).toContain('550 5.1.1 no such user');
    // The button says which message it is for.
    expect(within(failed).getByRole('button', { name: 'Retry' }).getAttribute('aria-describedby')).toBeTruthy();

    const sent = itemNamed('Sent one');
    expect(sent.textContent).toContain('Sent at');
    expect(within(sent).queryAllByRole('button')).toEqual([]);
  });

  it('Retry asks outbox.retry and shows the new state; Cancel takes the message back to the composer', async () => {
    const draft = { accountId: 'acc_12345678', to: ['bob@example.test'], subject: 'Failed one', text: 'x' };
    const { client, invoke, emit } = fakeClient({
      'outbox.list': { ok: true, value: ITEMS },
      'outbox.retry': { ok: true, value: { ...ITEMS[2]!, state: 'sending' } },
      'outbox.cancel': { ok: true, value: { draft } },
    });
    const onEdit = vi.fn();
    render(<OutboxView client={client} onEdit={onEdit} onClose={() => {}} />);
    await screen.findByRole('list', { name: 'Outbox messages' });
    fireEvent.click(within(itemNamed('Failed one')).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(itemNamed('Failed one').textContent).toContain('Sending…'));
    expect(invoke).toHaveBeenCalledWith('outbox.retry', { id: ITEMS[2]!.id });

    // outbox.changed keeps it current.
    emit('outbox.changed', { items: [{ ...ITEMS[2]!, state: 'sent', sentAt: new Date().toISOString() }], removed: [ITEMS[0]!.id] });
    await waitFor(() => expect(screen.queryByText(/Later one/)).toBeNull());
    expect(itemNamed('Failed one').textContent).toContain('Sent at');

    fireEvent.click(within(itemNamed('Retrying one')).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(onEdit).toHaveBeenCalledWith(draft, ITEMS[1]));
    expect(invoke).toHaveBeenCalledWith('outbox.cancel', { id: ITEMS[1]!.id });
  });

  it('says so when the outbox is empty', async () => {
    const { client } = fakeClient({ 'outbox.list': { ok: true, value: [] } });
    render(<OutboxView client={client} onEdit={() => {}} onClose={() => {}} />);
    expect(await screen.findByText(/The outbox is empty/)).toBeTruthy();
  });
});
