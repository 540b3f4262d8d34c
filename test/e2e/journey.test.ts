import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addImapAccount, ARTIFACTS, browserJourney } from '../support/browser-journey.js';
import { testbed, user } from '../support/testbed.js';

const journey = browserJourney('mua-e2e-profile-');

const addAccount = (who: 'alice' | 'bob') => addImapAccount(journey.page, who, { screenshot: `e2e-01-account-form-${who}.png` });

describe('a person’s first journey, in Chromium through `npm run web`', () => {
  const subject = `Lunch on Friday? ${randomUUID().slice(0, 8)}`;
  const body = 'Hi Bob,\nlunch on Friday at noon?\nAlice';

  it('opens on the account form when there is no account yet', async () => {
    await journey.page.goto(journey.app.url);
    await expect.poll(() => journey.page.getByRole('heading', { name: 'Add account' }).count()).toBe(1);
    // The token left the address bar once read.
    expect(journey.page.url()).not.toContain('token=');
  });

  it('adds Alice’s account and sends a message to Bob', async () => {
    await addAccount('alice');
    await journey.page.getByRole('button', { name: 'Compose' }).click();
    await journey.page.getByLabel('To', { exact: true }).fill(user('bob').email);
    await journey.page.getByLabel('Subject', { exact: true }).fill(subject);
    await journey.page.getByLabel('Message', { exact: true }).fill(body);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-02-compose.png') });
    await journey.page.getByRole('button', { name: 'Send', exact: true }).click();
    // The undo window: the message waits in the outbox and can be taken back to the composer.
    await expect.poll(() => journey.page.getByRole('status').textContent()).toMatch(/Sending in \d+ s/);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-02b-undo-window.png') });
    await journey.page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => journey.page.getByLabel('Subject', { exact: true }).inputValue()).toBe(subject);
    expect(await journey.page.getByLabel('Message', { exact: true }).inputValue()).toBe(body);
    await journey.page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => journey.page.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Message sent');
    expect(await journey.page.getByRole('alert').count()).toBe(0);
  });

  it('adds Bob’s account and finds the message in his inbox', async () => {
    await journey.page.getByRole('button', { name: 'Add account' }).click();
    await addAccount('bob');
    const row = journey.page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject });
    await expect
      .poll(
        async () => {
          if ((await row.count()) === 0) await journey.page.getByRole('button', { name: 'Refresh' }).click();
          return row.count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    expect(await row.textContent()).toContain('Alice Example');
    const folders = journey.page.getByRole('navigation', { name: 'Folders' });
    await expect.poll(() => folders.getByRole('button', { name: /^Inbox, \d+ unread$/ }).count()).toBe(1);
    expect(await folders.getByRole('button', { name: /^Sent(, \d+ unread)?$/ }).count()).toBe(1);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-03-inbox.png') });
  });

  it('opens the message and reads its text', async () => {
    await journey.page.getByRole('list', { name: 'Messages' }).getByRole('button').filter({ hasText: subject }).click();
    const reader = journey.page.getByRole('article', { name: 'Message' });
    await expect.poll(() => reader.getByRole('heading').textContent()).toBe(subject);
    expect(await reader.textContent()).toContain('lunch on Friday at noon?');
    expect(await journey.page.getByRole('button', { name: 'Reply', exact: true }).count()).toBe(1);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-04-reader.png') });
  });

  it('replies to Alice with the subject, recipient and quote filled in', async () => {
    await journey.page.getByRole('button', { name: 'Reply', exact: true }).click();
    expect(await journey.page.getByLabel('To', { exact: true }).inputValue()).toBe(`Alice Example <${user('alice').email}>`);
    expect(await journey.page.getByLabel('Subject', { exact: true }).inputValue()).toBe(`Re: ${subject}`);
    expect(await journey.page.getByLabel('Message', { exact: true }).inputValue()).toContain('> lunch on Friday at noon?');
    await journey.page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => journey.page.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Message sent');
  });

  it('shows new mail in the open Inbox by itself, without Refresh', async () => {
    const note = `Note to self ${randomUUID().slice(0, 8)}`;
    await journey.page.getByRole('button', { name: 'Compose' }).click();
    await journey.page.getByLabel('To', { exact: true }).fill(user('bob').email);
    await journey.page.getByLabel('Subject', { exact: true }).fill(note);
    await journey.page.getByLabel('Message', { exact: true }).fill('pushed over IDLE');
    await journey.page.getByRole('button', { name: 'Send', exact: true }).click();
    // The status still says the reply was sent until this message's own status replaces it.
    await expect.poll(() => journey.page.getByRole('status').textContent()).toMatch(/Sending in \d+ s/);
    await expect
      .poll(() => journey.page.getByRole('status').textContent(), { timeout: 20_000 })
      .toContain(`Message sent to ${user('bob').email}`);
    // No click on Refresh from here: the Inbox's IDLE connection brings it in.
    const row = journey.page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: note });
    await expect.poll(() => row.count(), { timeout: 5_000 }).toBe(1);
  });

  it('flags the message, marks it unread, then deletes it, the list showing each change', async () => {
    const list = journey.page.getByRole('list', { name: 'Messages' });
    const row = list.getByRole('button').filter({ hasText: subject });
    const reader = journey.page.getByRole('article', { name: 'Message' });
    const folders = journey.page.getByRole('navigation', { name: 'Folders' });
    const inboxUnread = async () => Number((await folders.getByRole('button', { name: /^Inbox\b/ }).getAttribute('aria-label'))?.match(/(\d+) unread/)?.[1] ?? 0);
    await row.click();
    await expect.poll(() => reader.getByRole('heading').textContent()).toBe(subject);
    const toolbar = reader.getByRole('toolbar', { name: 'Message actions' });

    await toolbar.getByRole('button', { name: 'Flag', exact: true }).click();
    await expect.poll(() => toolbar.getByRole('button', { name: 'Unflag', exact: true }).count()).toBe(1);
    await expect.poll(() => list.getByRole('button', { name: /, flagged\b/ }).filter({ hasText: subject }).count()).toBe(1);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-06-flagged.png') });

    expect(await row.textContent()).not.toContain(', unread');
    const unreadBefore = await inboxUnread();
    await toolbar.getByRole('button', { name: 'Mark as unread', exact: true }).click();
    await expect.poll(() => toolbar.getByRole('button', { name: 'Mark as read', exact: true }).count()).toBe(1);
    await expect.poll(() => list.getByRole('button', { name: /, unread, flagged\b/ }).filter({ hasText: subject }).count()).toBe(1);
    await expect.poll(inboxUnread).toBe(unreadBefore + 1);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-07-marked-unread.png') });

    await toolbar.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => reader.count()).toBe(0);
    await expect.poll(() => row.count()).toBe(0);
    await expect.poll(inboxUnread).toBe(unreadBefore);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-08-deleted.png') });
    // The server has it too: a resync does not bring it back, and it is in Trash, still flagged.
    await journey.page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => journey.page.getByRole('button', { name: 'Refresh' }).isEnabled()).toBe(true);
    expect(await row.count()).toBe(0);
    await folders.getByRole('button', { name: /^Trash\b/ }).click();
    const trashed = list.getByRole('button', { name: /, unread, flagged\b/ }).filter({ hasText: subject });
    await expect
      .poll(
        async () => {
          if ((await trashed.count()) === 0) await journey.page.getByRole('button', { name: 'Refresh' }).click();
          return trashed.count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    await folders.getByRole('button', { name: /^Inbox\b/ }).click();
    await expect.poll(() => journey.page.getByRole('heading', { name: 'Inbox', exact: true }).count()).toBe(1);
  });

  it('finds a sent message by a word of its subject, and opens it from Sent', async () => {
    const list = journey.page.getByRole('list', { name: 'Messages' });
    const folders = journey.page.getByRole('navigation', { name: 'Folders' });
    const reply = `Re: ${subject}`;
    // Search reads the copy on this computer: Sent is opened once so that its copy is there.
    await folders.getByRole('button', { name: /^Sent\b/ }).click();
    const sentRow = list.getByRole('button').filter({ hasText: reply });
    await expect
      .poll(
        async () => {
          if ((await sentRow.count()) === 0) await journey.page.getByRole('button', { name: 'Refresh' }).click();
          return sentRow.count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    await folders.getByRole('button', { name: /^Inbox\b/ }).click();
    const note = list.getByRole('button').filter({ hasText: 'Note to self' });
    await expect.poll(() => note.count()).toBe(1);

    const searchbox = journey.page.getByRole('searchbox', { name: 'Search' });
    const word = subject.split(' ').pop()!;
    await searchbox.fill(word);
    const found = list.getByRole('button', { name: /, in Sent$/ }).filter({ hasText: reply });
    await expect.poll(() => found.count(), { timeout: 10_000 }).toBe(1);
    // The Inbox's own rows give way to the results.
    expect(await note.count()).toBe(0);
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-09-search.png') });
    await found.click();
    const reader = journey.page.getByRole('article', { name: 'Message' });
    await expect.poll(() => reader.getByRole('heading').textContent()).toBe(reply);
    expect(await reader.textContent()).toContain('> lunch on Friday at noon?');

    await searchbox.press('Escape');
    expect(await searchbox.inputValue()).toBe('');
    await expect.poll(() => note.count()).toBe(1);
    expect(await found.count()).toBe(0);
  });

  it('shows a wrong password as an alert a person can read', async () => {
    await journey.page.getByRole('button', { name: 'Add account' }).click();
    await journey.page.getByRole('button', { name: 'Set up manually' }).click();
    await journey.page.getByLabel('Name', { exact: true }).fill('Carol');
    await journey.page.getByLabel('Email address').fill('carol@example.test');
    await journey.page.getByLabel('Password').fill('wrong-password');
    await journey.page.getByLabel('IMAP server').fill(testbed().imap.host);
    await journey.page.getByLabel('SMTP server').fill(testbed().smtp.host);
    await journey.page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => journey.page.getByRole('alert').textContent(), { timeout: 20_000 }).toContain('did not accept');
    await journey.page.screenshot({ path: join(ARTIFACTS, 'e2e-05-auth-error.png') });
  });

  it('loaded nothing from anywhere but its own loopback origin', () => {
    expect(journey.foreignRequests).toEqual([]);
  });

  it('kept no password in the profile folder or the server’s output', () => {
    const files = walk(journey.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const who of ['alice', 'bob'] as const) {
      for (const file of files) expect(readFileSync(file, 'utf8')).not.toContain(user(who).password);
      expect(journey.app.output()).not.toContain(user(who).password);
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
