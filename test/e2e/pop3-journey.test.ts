import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, browserJourney } from '../support/browser-journey.js';
import { testbed, user } from '../support/testbed.js';
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

    const bed = testbed();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Set up manually' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Erin Example');
    await page.getByLabel('Email address').fill(user('erin').email);
    await page.getByLabel('Password').fill(user('erin').password);
    await page.getByLabel('Incoming protocol').selectOption('pop3');
    await page.getByLabel('POP3 server').fill(bed.pop3.host);
    await page.getByLabel('POP3 security').selectOption('starttls');
    await page.getByLabel('POP3 port').fill(String(bed.pop3.starttlsPort));
    expect(await page.getByRole('checkbox', { name: 'Leave messages on server' }).isChecked()).toBe(true);
    await page.getByLabel('SMTP server').fill(bed.smtp.host);
    await page.getByLabel('SMTP port').fill(String(bed.smtp.submissionPort));
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-pop3-01-account-form.png') });
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain(`Added ${user('erin').email}`);

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
