import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { expect } from 'vitest';
import type { Account, Folder, MessageSummary } from '../../shared/schemas.js';
import { App } from '../../renderer/App.js';
import { testAccount } from '../support/test-account.js';
import { fakeClient, type ScriptedReply } from './fake-client.js';
import { folder } from './mail-fixtures.js';

type Mailbox = { accounts?: Account[]; folders?: Folder[]; messages?: MessageSummary[] };

/**
 * The whole app on a fake main: one account (testAccount()) with an Inbox, whose folders and
 * messages are the test's; `replies` add the requests the test makes (or answer these otherwise).
 */
export function renderApp({ accounts = [testAccount()], folders = [folder('INBOX', 'inbox')], messages = [] }: Mailbox = {}, replies: Record<string, ScriptedReply> = {}) {
  const fake = fakeClient({
    'accounts.list': { ok: true, value: accounts },
    'folders.list': { ok: true, value: folders },
    'messages.list': { ok: true, value: messages },
    ...replies,
  });
  render(<App client={fake.client} />);
  return fake;
}

/** The message list, by its name. */
export const messageList = () => screen.getByRole('list', { name: 'Messages' });
/** The message open in the reader. */
export const reader = () => screen.getByRole('article', { name: 'Message' });

/** Clicks the listed message of that subject, and waits for the reader to show it. */
export async function openMessage(subject: string) {
  fireEvent.click(await waitFor(() => within(messageList()).getByRole('button', { name: new RegExp(subject) })));
  await waitFor(() => expect(within(reader()).getByRole('heading').textContent).toBe(subject));
}
