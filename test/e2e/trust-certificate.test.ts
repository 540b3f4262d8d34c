import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, browserJourney } from '../support/browser-journey.js';
import { testbed, user } from '../support/testbed.js';

const journey = browserJourney('mua-e2e-trust-', { viewport: { width: 1280, height: 900 } });

/**
 * The test bed's certificate names 127.0.0.1 and 127.0.0.2, not "127.1" and "127.2", which
 * reach the same servers: a certificate that does not match the name, as a person meets it with
 * a provider's self-hosted server. They see the certificate, trust exactly it, and go on.
 */
describe('a certificate that does not match the server name, in Chromium', () => {
  it('stops the inbox with the certificate’s facts, and loads it once the person trusts it', async () => {
    const { page, app } = journey;
    const bed = testbed();
    const carol = user('carol');
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Set up manually' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Carol');
    await page.getByLabel('Email address').fill(carol.email);
    await page.getByLabel('Password').fill(carol.password);
    await page.getByLabel('IMAP server').fill(bed.imap.host.replace('127.0.0.', '127.'));
    await page.getByLabel('SMTP server').fill(bed.smtp.host.replace('127.0.0.', '127.'));
    await page.getByRole('button', { name: 'Save' }).click();

    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('is not trusted');
    expect(await alert.textContent()).toMatch(/SHA-256 fingerprint([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-trust-01-imap-certificate.png') });
    await page.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect.poll(() => page.getByRole('alert').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.getByRole('heading', { name: 'Inbox' }).count()).toBe(1);
  });

  it('fails a send with the certificate’s facts, and sends it once the person trusts it', async () => {
    const { page } = journey;
    await page.getByRole('button', { name: 'Compose' }).click();
    await page.getByLabel('To', { exact: true }).fill(user('bob').email);
    await page.getByLabel('Subject', { exact: true }).fill('Through a trusted certificate');
    await page.getByLabel('Message', { exact: true }).fill('Hi Bob');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toContain('Message not sent');
    expect(await page.getByRole('alert').textContent()).toContain('SMTP, port');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-trust-02-smtp-certificate.png') });
    await page.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Message sent');
  });
});
