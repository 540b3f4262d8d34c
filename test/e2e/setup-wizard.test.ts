import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../main/pop3/dovecot-support.js';
import { ARTIFACTS } from '../support/browser-journey.js';
import { discoveryJourney } from '../support/discovery-journey.js';
import { testbed, user } from '../support/testbed.js';

/*
 * The setup wizard in Chromium through `npm run web`: a name, an address and a password, and
 * discovery finds the test bed's servers in an ISPDB on loopback (MAIL_ISPDB_URL), its name
 * answered by a DNS server on loopback (MAIL_DNS_SERVERS), so no question leaves the machine.
 * alice's Inbox gets one message of this file's own (nothing is deleted).
 */

/** This file's own loopback address for its ISPDB. */
const journey = discoveryJourney('mua-e2e-wizard-', '127.66.0.6');

beforeAll(() => {
  const bed = testbed();
  journey.publish('Test bed mail', [
    { type: 'imap', host: bed.imap.host, port: bed.imap.tlsPort, socketType: 'SSL' },
    { type: 'pop3', host: bed.pop3.host, port: bed.pop3.tlsPort, socketType: 'SSL', pop3: '      <pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3>\n' },
    { type: 'smtp', host: bed.smtp.host, port: bed.smtp.submissionPort, socketType: 'STARTTLS' },
  ]);
});

async function firstStep(password: string) {
  const { page, app } = journey;
  const alice = user('alice');
  await page.goto(app.url);
  // A fresh start (the token stays in the session): going to the same address changes only its fragment.
  await page.reload();
  await expect.poll(() => page.getByRole('heading', { name: 'Add account' }).count()).toBe(1);
  await page.getByLabel('Name', { exact: true }).fill('Alice Example');
  await page.getByLabel('Email address').fill(alice.email);
  await page.getByLabel('Password', { exact: true }).fill(password);
}

describe('the setup wizard in Chromium', () => {
  it('says so when the password is wrong, with the settings it found still there to correct and check again', async () => {
    const { page } = journey;
    await firstStep('not-alices-password');
    expect(await page.getByLabel('IMAP server').count()).toBe(0);
    await page.getByRole('button', { name: 'Continue' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.count(), { timeout: 30_000 }).toBe(1);
    expect(await alert.textContent()).toContain('did not accept the user name or password');
    expect(await alert.textContent()).toContain('Correct the password');
    expect(await page.getByLabel('IMAP server').inputValue()).toBe(testbed().imap.host);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-wizard-02-wrong-password.png'), fullPage: true });
    // Corrected and checked again against the real servers (accounts.verify): the alert goes.
    await page.getByLabel('Password', { exact: true }).fill(user('alice').password);
    await page.getByRole('button', { name: 'Check again' }).click();
    const checked = page.getByRole('list', { name: 'Checked again' }).getByRole('listitem');
    await expect.poll(() => checked.filter({ hasText: 'login worked' }).count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('finds the settings from a name, an address and a password, shows them for review, saves, and the Inbox lists', async () => {
    const { page, dataDir, ispdb, foreignRequests } = journey;
    const bed = testbed();
    const alice = user('alice');
    const subject = `Found by the wizard ${randomUUID().slice(0, 8)}`;
    const file = join(dataDir, 'waiting.eml');
    writeFileSync(
      file,
      `From: Bob Example <${user('bob').email}>\r\nTo: ${alice.email}\r\nSubject: ${subject}\r\n` +
        `Message-ID: <${randomUUID()}@example.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nWaiting in the Inbox.\r\n`,
    );
    deliver('alice', file);

    await firstStep(alice.password);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-wizard-01-first-step.png') });
    await page.getByRole('button', { name: 'Continue' }).click();

    await expect.poll(() => page.getByRole('heading', { name: 'Review your settings' }).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByLabel('Incoming protocol').inputValue()).toBe('imap');
    expect(await page.getByLabel('IMAP server').inputValue()).toBe(bed.imap.host);
    expect(await page.getByLabel('IMAP port').inputValue()).toBe(String(bed.imap.tlsPort));
    expect(await page.getByLabel('IMAP security').inputValue()).toBe('tls');
    expect(await page.getByLabel('SMTP server').inputValue()).toBe(bed.smtp.host);
    expect(await page.getByLabel('SMTP port').inputValue()).toBe(String(bed.smtp.submissionPort));
    expect(await page.getByLabel('SMTP security').inputValue()).toBe('starttls');
    expect(await page.getByLabel('User name', { exact: true }).inputValue()).toBe('');
    const found = page.getByRole('region', { name: 'What was found' });
    expect(await found.textContent()).toContain(`Found settings for Test bed mail in the Thunderbird ISPDB (https://ispdb.test:${ispdb.port}/v1.1/${bed.domain})`);
    const servers = page.getByRole('list', { name: 'Servers found' }).getByRole('listitem');
    expect(await servers.filter({ hasText: /^IMAP .*login worked \(used below\)$/ }).count()).toBe(1);
    expect(await servers.filter({ hasText: /^SMTP .*login worked \(used below\)$/ }).count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Set up manually' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-wizard-03-review.png'), fullPage: true });

    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain(`Added ${alice.email}`);
    const row = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByRole('heading', { name: 'Inbox' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-wizard-04-inbox.png') });
    // Discovery asked the loopback ISPDB, and the browser nothing beyond the app.
    expect(ispdb.requests).toContain(`ispdb.test/v1.1/${bed.domain}`);
    expect(foreignRequests).toEqual([]);
  });
});
