// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testAccount } from '../support/test-account.js';
import { summary } from './mail-fixtures.js';
import { renderApp } from './render-app.js';

/**
 * New-mail notifications in a browser tab: the page's own Web Notification, only once the person
 * turned them on (and the browser allowed it), only while the window is not focused, with a count
 * and the account and no mail content unless chosen; none at all in the Electron shell, which
 * shows its own.
 */
const account = testAccount();
const NEWEST = summary(9, 'Secret plans for Friday', { from: { name: 'Bob Sender', address: 'bob@example.test' }, unread: true });

/** The browser's Notification, recording what the page shows; its permission as a test sets it. */
class FakeNotification {
  static permission: NotificationPermission = 'default';
  static answer: NotificationPermission = 'granted';
  static shown: { title: string; options?: NotificationOptions }[] = [];
  static requestPermission = vi.fn(async () => {
    FakeNotification.permission = FakeNotification.answer;
    return FakeNotification.answer;
  });
  onclick: (() => void) | null = null;
  close = vi.fn();
  constructor(title: string, options?: NotificationOptions) {
    FakeNotification.shown.push({ title, options });
  }
}

let focused = false;
beforeEach(() => {
  localStorage.clear();
  FakeNotification.permission = 'default';
  FakeNotification.answer = 'granted';
  FakeNotification.shown = [];
  FakeNotification.requestPermission.mockClear();
  vi.stubGlobal('Notification', FakeNotification);
  focused = false;
  vi.spyOn(document, 'hasFocus').mockImplementation(() => focused);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function app(shell: 'web' | 'electron' = 'web') {
  return renderApp({ folders: [], messages: [NEWEST] }, { 'app.status': { ok: true, value: { secretStorage: { kind: 'keychain' }, shell } } });
}

const arrive = (emit: (event: string, payload: unknown) => void, count = 2) => emit('mail.arrived', { accountId: account.id, folder: 'INBOX', count });

async function turnOn() {
  fireEvent.click(await screen.findByRole('button', { name: 'Turn on notifications' }));
  await screen.findByRole('button', { name: 'Turn off notifications' });
}

describe('new-mail notifications in a browser tab', () => {
  it('are off until the person turns them on, which asks the browser', async () => {
    const { emit } = app();
    await screen.findByRole('button', { name: 'Turn on notifications' });
    arrive(emit);
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeNotification.shown).toEqual([]);
    await turnOn();
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
  });

  it('say the count and the account, never the sender or subject, while the window is not focused', async () => {
    const { emit } = app();
    await turnOn();
    arrive(emit);
    await waitFor(() => expect(FakeNotification.shown).toHaveLength(1));
    expect(FakeNotification.shown[0]).toEqual({ title: 'New mail', options: { body: `2 new messages for ${account.email}`, tag: `mua-new-mail-${account.id}` } });
    expect(JSON.stringify(FakeNotification.shown)).not.toMatch(/Secret plans|Bob Sender/);
  });

  it('are not shown while the person is looking at the app', async () => {
    const { emit } = app();
    await turnOn();
    focused = true;
    arrive(emit);
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeNotification.shown).toEqual([]);
  });

  it('name the newest message’s sender and subject only when the person chose so', async () => {
    const { emit } = app();
    await turnOn();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Show sender and subject in notifications' }));
    arrive(emit, 1);
    await waitFor(() => expect(FakeNotification.shown).toHaveLength(1));
    expect(FakeNotification.shown[0]!.options?.body).toBe(`1 new message for ${account.email}\nBob Sender: Secret plans for Friday`);
  });

  it('are remembered as turned on, and can be turned off', async () => {
    app();
    await turnOn();
    cleanup();
    const { emit } = app();
    fireEvent.click(await screen.findByRole('button', { name: 'Turn off notifications' }));
    await screen.findByRole('button', { name: 'Turn on notifications' });
    arrive(emit);
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeNotification.shown).toEqual([]);
  });

  it('say how to allow them when the browser blocks them', async () => {
    FakeNotification.answer = 'denied';
    app();
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on notifications' }));
    expect((await screen.findByText(/Notifications are blocked for this page/)).textContent).toContain('allow them in the browser’s settings');
  });
});

describe('in the Electron shell', () => {
  it('leave notifying to the shell: no setting here, and no second notification', async () => {
    FakeNotification.permission = 'granted';
    localStorage.setItem('mua.notifications', JSON.stringify({ enabled: true, showSender: false }));
    const { emit, invoke } = app('electron');
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('app.status', {}));
    await screen.findByRole('heading', { name: 'Inbox' });
    arrive(emit);
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeNotification.shown).toEqual([]);
    expect(screen.queryByRole('button', { name: /notifications/ })).toBeNull();
  });
});
