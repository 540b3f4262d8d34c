import { AxeBuilder } from '@axe-core/playwright';
import type { ImapFlow } from 'imapflow';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImapAccount, ARTIFACTS, browserJourney } from '../support/browser-journey.js';
import { directConnection } from '../support/carol-through-proxy.js';
import { user } from '../support/testbed.js';

/**
 * The mailbox with two accounts, in Chromium through `npm run web`, against the test bed: All
 * inboxes, new-mail notifications of the browser tab, and Delete then Undo checked on the server.
 *
 * The page runs in a context of its own that grants the notification permission, with an init
 * script that records every Notification the page makes (the real one is still made) and that
 * answers document.hasFocus() as the test says: a headless window cannot be put behind another.
 */
const journey = browserJourney('mua-e2e-mailbox-');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const tag = `Mailbox-${randomUUID().slice(0, 8)}`;

const RECORD_NOTIFICATIONS = `
  window.__muaFocused = false;
  window.__notifications = [];
  Document.prototype.hasFocus = function () { return window.__muaFocused === true; };
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title, body: options && options.body });
    }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
`;

let context: BrowserContext;
let page: Page;
const imap: Partial<Record<'alice' | 'bob', ImapFlow>> = {};

beforeAll(async () => {
  context = await journey.browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['notifications'] });
  await context.addInitScript(RECORD_NOTIFICATIONS);
  page = await context.newPage();
  imap.alice = await directConnection('alice');
  imap.bob = await directConnection('bob');
});

afterAll(async () => {
  await context?.close();
  for (const client of Object.values(imap)) await client?.logout();
});

const messageId = (name: string) => `<${tag}-${name}@example.test>`;

/** Puts a message in the user's Inbox on the server (as delivery would), `minutesAgo` old. */
async function deliver(who: 'alice' | 'bob', name: string, minutesAgo = 0): Promise<void> {
  const date = new Date(Date.now() - minutesAgo * 60_000);
  const raw =
    `From: Sender <sender@example.test>\r\nTo: ${user(who).email}\r\nSubject: ${tag} ${name}\r\nDate: ${date.toUTCString()}\r\n` +
    `Message-ID: ${messageId(name)}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe text of ${name}.\r\n`;
  await imap[who]!.append('INBOX', raw, [], date);
}

/** The flags of the message with that Message-ID in a folder on the server, or undefined if it is not there. */
async function flagsOnServer(who: 'alice' | 'bob', path: string, name: string): Promise<string[] | undefined> {
  const client = imap[who]!;
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    await client.noop();
    if (!client.mailbox || client.mailbox.exists === 0) return undefined;
    const found = (await client.fetchAll('1:*', { envelope: true, flags: true })).find((m) => m.envelope?.messageId === messageId(name));
    return found && [...(found.flags ?? [])].filter((f) => f !== '\\Recent').sort();
  } finally {
    lock.release();
  }
}

const list = () => page.getByRole('list', { name: 'Messages' });
const row = (name: string) => list().getByRole('button').filter({ hasText: `${tag} ${name}` });
const notifications = () => page.evaluate(() => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications);

/** Waits for a row, clicking Refresh now and then in case the push was missed. */
async function rowAppears(name: string) {
  await expect
    .poll(
      async () => {
        if ((await row(name).count()) === 0 && (await page.getByRole('button', { name: 'Refresh' }).isEnabled())) {
          await page.getByRole('button', { name: 'Refresh' }).click();
        }
        return row(name).count();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBe(1);
}

describe('the mailbox with two accounts, in Chromium', () => {
  it('adds Alice’s and Bob’s accounts, and turns on notifications (the browser asks)', async () => {
    await page.goto(journey.app.url);
    await addImapAccount(page, 'alice');
    await page.getByRole('button', { name: 'Add account' }).click();
    await addImapAccount(page, 'bob');
    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Turn off notifications' }).count()).toBe(1);
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
  });

  it('shows All inboxes at the top: both accounts’ mail, newest first, each row naming its account', async () => {
    const allInboxes = page.getByRole('button', { name: /^All inboxes(, \d+ unread)?$/ });
    await expect.poll(() => allInboxes.count()).toBe(1);
    await allInboxes.click();
    await expect.poll(() => page.getByRole('heading', { name: 'All inboxes', exact: true }).count()).toBe(1);
    // Refresh waits for both Inboxes' syncs: mail from here on is new mail, not part of a first sync.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Refresh' }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await deliver('alice', 'older for Alice', 5);
    await deliver('bob', 'newer for Bob', 1);
    await rowAppears('newer for Bob');
    await rowAppears('older for Alice');
    expect(await row('newer for Bob').textContent()).toContain(`account ${user('bob').email}`);
    expect(await row('older for Alice').textContent()).toContain(`account ${user('alice').email}`);
    const order = await list()
      .getByRole('button')
      .evaluateAll((buttons, t) => buttons.map((b) => b.textContent ?? '').filter((text) => text.includes(t as string)), tag);
    expect(order.findIndex((t) => t.includes('newer for Bob'))).toBeLessThan(order.findIndex((t) => t.includes('older for Alice')));
    // The summed count is the Inboxes' unread messages, ours among them.
    expect(Number((await allInboxes.getAttribute('aria-label'))?.match(/(\d+) unread/)?.[1] ?? 0)).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-mailbox-all-inboxes.png') });
    const results = await new AxeBuilder({ page, axeSource: AXE_SOURCE }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  it('notified of that mail with the count and the account only, and does not while the window is focused', async () => {
    await expect
      .poll(async () => (await notifications()).filter((n) => n.body.includes(user('bob').email)).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(1);
    const shown = await notifications();
    expect(shown.every((n) => n.title === 'New mail' && /^\d+ new messages? for \S+@\S+$/.test(n.body))).toBe(true);
    expect(JSON.stringify(shown)).not.toContain(tag);

    await page.evaluate(() => ((window as unknown as { __muaFocused: boolean }).__muaFocused = true));
    const before = shown.length;
    await deliver('alice', 'while looking');
    await rowAppears('while looking');
    expect((await notifications()).length).toBe(before);
  });

  it('deletes Bob’s message from All inboxes, and Undo brings it back to his Inbox on the server, flags and all', async () => {
    await row('newer for Bob').click();
    const reader = page.getByRole('article', { name: 'Message' });
    await expect.poll(() => reader.getByRole('heading').textContent()).toBe(`${tag} newer for Bob`);
    await reader.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Message moved to Trash.');
    await expect.poll(() => row('newer for Bob').count()).toBe(0);
    // The server has done it (so Undo has to move it back, not just drop a queued change).
    await expect.poll(() => flagsOnServer('bob', 'Trash', 'newer for Bob'), { timeout: 20_000 }).toEqual(['\\Seen']);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-mailbox-deleted-undo.png') });

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Message back in Inbox.');
    await expect.poll(() => row('newer for Bob').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => flagsOnServer('bob', 'INBOX', 'newer for Bob'), { timeout: 20_000 }).toEqual(['\\Seen']);
    expect(await flagsOnServer('bob', 'Trash', 'newer for Bob')).toBeUndefined();
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
