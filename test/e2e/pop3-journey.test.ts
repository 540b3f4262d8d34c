import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPop3Account, ARTIFACTS, browserJourney } from '../support/browser-journey.js';
import { user } from '../support/testbed.js';
import { deliver } from '../main/pop3/dovecot-support.js';

/*
 * A POP3 account, set up and read in Chromium through `npm run web`, against the test bed's
 * Dovecot over 110 with STLS. erin's maildrop is this journey's own.
 */

const journey = browserJourney('mua-e2e-pop3-');

describe('a POP3 account in Chromium', () => {
  const subject = `Picked up by POP3 ${randomUUID().slice(0, 8)}`;

  it('is added with “Incoming protocol” POP3 over STLS, and its Inbox shows the mail on the server', async () => {
    const { page, app, dataDir } = journey;
    const file = join(dataDir, 'waiting.eml');
    writeFileSync(
      file,
      `From: Alice Example <${user('alice').email}>\r\nTo: ${user('erin').email}\r\nSubject: ${subject}\r\n` +
        `Message-ID: <${randomUUID()}@example.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nWaiting on the POP3 server.\r\n`,
    );
    deliver('erin', file);

    await page.goto(app.url);
    await addPop3Account(page, 'erin', { name: 'Erin Example', security: 'starttls', screenshot: 'e2e-pop3-01-account-form.png' });

    const row = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    const folders = page.getByRole('navigation', { name: 'Folders' });
    for (const name of [/^Inbox(, \d+ unread)?$/, /^Sent$/, /^Drafts$/, /^Trash$/]) {
      expect(await folders.getByRole('button', { name }).count()).toBe(1);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-pop3-02-inbox.png') });
  });

  it('opens the downloaded message from the local copy', async () => {
    const { page } = journey;
    await page.getByRole('list', { name: 'Messages' }).getByRole('button').filter({ hasText: subject }).click();
    const reader = page.getByRole('article', { name: 'Message' });
    await expect.poll(() => reader.getByRole('heading').first().textContent()).toBe(subject);
    expect(await reader.textContent()).toContain('Waiting on the POP3 server.');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-pop3-03-reader.png') });
  });
});
