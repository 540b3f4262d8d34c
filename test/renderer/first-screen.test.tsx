// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp } from './render-app.js';
import { summary } from './mail-fixtures.js';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/** Whether the mailbox is on screen yet (its Compose button is the first thing it draws). */
const mailboxDrawn = () => screen.queryByRole('button', { name: 'Compose' }) !== null;

describe('the first screen', () => {
  it('asks main for the Inbox’s first page and folders as soon as the accounts are known, before the mailbox is drawn, and once', async () => {
    const drawnWhenAsked: Record<string, boolean> = {};
    const fake = renderApp({}, {
      'messages.list': () => {
        drawnWhenAsked['messages.list'] ??= mailboxDrawn();
        return { ok: true, value: [summary(7, 'Newest')] };
      },
      'folders.list': () => {
        drawnWhenAsked['folders.list'] ??= mailboxDrawn();
        return { ok: true, value: [] };
      },
    });
    await waitFor(() => within(screen.getByRole('list', { name: 'Messages' })).getByRole('button', { name: /Newest/ }));
    expect(mailboxDrawn()).toBe(true);
    expect(drawnWhenAsked).toEqual({ 'messages.list': false, 'folders.list': false });
    expect(fake.callsOf('messages.list')).toEqual([{ accountId: expect.any(String), folder: 'INBOX', limit: 200, sort: 'date', threads: false }]);
    expect(fake.callsOf('folders.list')).toHaveLength(1);
  });

  it('asks in the order the person last chose', async () => {
    localStorage.setItem('mua.listOrder', JSON.stringify({ sort: 'subject', threads: false }));
    const fake = renderApp({ messages: [summary(7, 'Newest')] });
    await waitFor(() => within(screen.getByRole('list', { name: 'Messages' })).getByRole('button', { name: /Newest/ }));
    expect(fake.callsOf('messages.list')).toEqual([expect.objectContaining({ sort: 'subject', threads: false })]);
  });
});
