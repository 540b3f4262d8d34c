import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../support/browser-journey.js';
import { discoveryJourney } from '../support/discovery-journey.js';
import { testbed, user } from '../support/testbed.js';

/*
 * A certificate trusted in the setup wizard's review is trusted for the server it was shown for,
 * and for no other. The ISPDB names the test bed's IMAP server as "127.2" (127.0.0.2 written
 * short), a name its certificate does not carry; the person trusts that certificate, then edits
 * the server to "127.0.2" (the same server, the same certificate, under yet another name). The
 * trust is not carried over: the review says so, and the new name's certificate is shown again.
 * carol's Inbox is only read.
 */

/**
 * Two more names of the test bed's IMAP server that its certificate does not carry: the system
 * resolver reads them as the address itself; discovery, which asks only its own DNS servers, is
 * told so by the loopback DNS server.
 */
const shown = () => testbed().imap.host.replace(/^127\.0\.0\./, '127.');
const edited = () => testbed().imap.host.replace(/^127\.0\.0\./, '127.0.');
const journey = discoveryJourney('mua-e2e-setup-trust-', '127.66.0.8', {
  zone: () => ({ [shown()]: { a: [testbed().imap.host] }, [edited()]: { a: [testbed().imap.host] } }),
});

beforeAll(() => {
  const bed = testbed();
  journey.publish('Test bed mail', [
    { type: 'imap', host: shown(), port: bed.imap.tlsPort, socketType: 'SSL' },
    { type: 'smtp', host: bed.smtp.host, port: bed.smtp.submissionPort, socketType: 'STARTTLS' },
  ]);
});

type Kept = { accounts: Array<{ imap: { host: string; pinnedCertificate?: { host: string; fingerprint256: string } } }> };
const kept = () => JSON.parse(readFileSync(join(journey.dataDir, 'settings.json'), 'utf8')) as Kept;

/** The wizard for carol up to the review, the IMAP certificate trusted there, then the server edited. */
async function trustThenEdit(page: Page) {
  const carol = user('carol');
  await page.getByLabel('Name', { exact: true }).fill('Carol');
  await page.getByLabel('Email address').fill(carol.email);
  await page.getByLabel('Password', { exact: true }).fill(carol.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Review your settings' }).count(), { timeout: 30_000 }).toBe(1);
  const facts = page.getByLabel(`Certificate of ${shown()}`, { exact: true });
  await expect.poll(() => facts.count(), { timeout: 10_000 }).toBe(1);
  expect(await facts.textContent()).toMatch(/SHA-256 fingerprint([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  await page.getByRole('button', { name: 'Trust this certificate' }).click();
  await expect.poll(() => page.getByText(`This certificate will be trusted for ${shown()} when you save.`).count()).toBe(1);
  await page.getByLabel('IMAP server').fill(edited());
  const port = testbed().imap.tlsPort;
  const leftBehind = page.getByRole('alert').filter({ hasText: `You trusted the certificate of ${shown()}:${port} (IMAP)` });
  await expect.poll(() => leftBehind.textContent()).toContain(`The IMAP server is now ${edited()}:${port}, so that certificate will not be trusted for it: choose “Check again” to see the certificate of ${edited()}.`);
  expect(await page.getByText(`This certificate will be trusted for ${shown()} when you save.`).count()).toBe(0);
}

describe('a certificate trusted in the review, then the server edited, in Chromium', () => {
  it('says the trust stays behind, shows the new name’s certificate on “Check again”, and pins it for that name only', async () => {
    const { page, app } = journey;
    await page.goto(app.url);
    await trustThenEdit(page);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-setup-trust-01-edited.png'), fullPage: true });

    await page.getByRole('button', { name: 'Check again' }).click();
    const facts = page.getByLabel(`Certificate of ${edited()}`, { exact: true });
    await expect.poll(() => facts.count(), { timeout: 20_000 }).toBe(1);
    await page.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect.poll(() => page.getByText(`This certificate will be trusted for ${edited()} when you save.`).count()).toBe(1);
    expect(await page.getByText(/You trusted the certificate of/).count()).toBe(0);
    await page.getByRole('button', { name: 'Save' }).click();

    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 20_000 }).toContain(`Added ${user('carol').email}`);
    await expect.poll(() => page.getByRole('heading', { name: 'Inbox' }).count(), { timeout: 20_000 }).toBe(1);
    // The folders came over IMAP, through the pinned certificate.
    await expect.poll(() => page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Inbox/ }).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    const [account] = kept().accounts;
    expect(account?.imap.host).toBe(edited());
    expect(account?.imap.pinnedCertificate?.host).toBe(edited());
  });

  it('saved without “Check again”: nothing is pinned, and the mailbox shows the new name’s certificate to trust', async () => {
    const { page } = journey;
    await page.getByRole('button', { name: 'Add account' }).click();
    await trustThenEdit(page);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 20_000 }).toContain(`Added ${user('carol').email}`);
    expect(kept().accounts[1]?.imap).toEqual(expect.not.objectContaining({ pinnedCertificate: expect.anything() }));

    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('is not trusted');
    expect(await alert.textContent()).toContain(`${edited()}:${testbed().imap.tlsPort}`);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-setup-trust-02-mailbox.png') });
    await page.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect.poll(() => page.getByRole('alert').count(), { timeout: 20_000 }).toBe(0);
    expect(kept().accounts[1]?.imap.pinnedCertificate?.host).toBe(edited());
  });
});
