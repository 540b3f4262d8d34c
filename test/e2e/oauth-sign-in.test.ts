import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../main/pop3/dovecot-support.js';
import { ARTIFACTS } from '../support/browser-journey.js';
import { discoveryJourney } from '../support/discovery-journey.js';
import { startFakeOAuth, type FakeOAuth } from '../support/fake-oauth-server.js';
import { testbed, user } from '../support/testbed.js';

/*
 * "Sign in with browser" in Chromium, end to end. The ISPDB names OAuth2 for the test bed's
 * servers; the app's OAuth configuration (MAIL_OAUTH_PROVIDERS) names this file's fake provider
 * for them. The "system browser" the app opens is a program ($BROWSER) that writes the address
 * down; a second Chromium window then follows it, as the person's browser would: the provider
 * (approving at once) sends it back to the app's loopback address. The test bed's Dovecot and
 * Postfix then take the token (they ask the fake provider whose it is). grace's Inbox is the
 * OAuth tests' own.
 */

let oauth: FakeOAuth;
let opened: string;

const journey = discoveryJourney('mua-e2e-oauth-', '127.66.0.7', {
  env: async (dataDir) => {
    const bed = testbed();
    oauth = await startFakeOAuth([bed.imap.host, bed.smtp.host], { introspection: { host: bed.oauth.introspectionHost, port: bed.oauth.introspectionPort } });
    const providers = join(dataDir, 'providers.json');
    writeFileSync(providers, JSON.stringify({ providers: [oauth.provider] }));
    opened = join(dataDir, 'opened.txt');
    const browserProgram = join(dataDir, 'system-browser.sh');
    writeFileSync(browserProgram, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`, { mode: 0o755 });
    return { MAIL_OAUTH_PROVIDERS: providers, BROWSER: browserProgram };
  },
});

beforeAll(() => {
  const bed = testbed();
  journey.publish('Fake Mail', [
    { type: 'imap', host: bed.imap.host, port: bed.imap.tlsPort, socketType: 'SSL', authentication: ['OAuth2'] },
    { type: 'smtp', host: bed.smtp.host, port: bed.smtp.submissionPort, socketType: 'STARTTLS', authentication: ['OAuth2'] },
  ]);
});

afterAll(async () => {
  await oauth?.close();
});

/** The addresses the app asked the system browser to open, so far. */
function openedSoFar(): string[] {
  return existsSync(opened) ? readFileSync(opened, 'utf8').split('\n').filter(Boolean) : [];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const status = (page: Page) => page.getByRole('status').first();

describe('signing in with the browser, in Chromium', () => {
  it('asks for no password, opens the provider’s page in the system browser, and the Inbox lists once signed in', async () => {
    const { page, app, dataDir, foreignRequests } = journey;
    const grace = user('grace');
    const subject = `Waiting for a sign-in ${randomUUID().slice(0, 8)}`;
    const file = join(dataDir, 'waiting.eml');
    writeFileSync(file, `From: Bob <${user('bob').email}>\r\nTo: ${grace.email}\r\nSubject: ${subject}\r\nMessage-ID: <${randomUUID()}@example.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello.\r\n`);
    deliver('grace', file);

    await page.goto(app.url);
    await expect.poll(() => page.getByRole('heading', { name: 'Add account' }).count()).toBe(1);
    await page.getByLabel('Name', { exact: true }).fill('Grace');
    await page.getByLabel('Email address').fill(grace.email);
    // No password: this provider signs in with the browser.
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Review your settings' }).count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByRole('note').filter({ hasText: 'sign in with your browser' }).count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-oauth-01-review.png'), fullPage: true });

    await page.getByRole('button', { name: 'Sign in with browser' }).click();
    await expect.poll(() => page.getByRole('note').filter({ hasText: 'Finish signing in in your browser' }).count()).toBe(1);
    await expect.poll(() => openedSoFar().length, { timeout: 10_000 }).toBe(1);
    const authorization = new URL(openedSoFar()[0]!);
    expect(authorization.origin + authorization.pathname).toBe(oauth.provider.authorizationEndpoint);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('login_hint')).toBe(grace.email);

    // The person's browser: another window, which follows the provider back to the app.
    const systemBrowser = await (await journey.browser.newContext()).newPage();
    await systemBrowser.goto(authorization.href);
    await expect.poll(() => systemBrowser.getByRole('heading', { name: 'Signed in' }).count()).toBe(1);
    expect(new URL(systemBrowser.url()).hostname).toBe('127.0.0.1');
    await systemBrowser.screenshot({ path: join(ARTIFACTS, 'e2e-oauth-02-signed-in.png') });
    await systemBrowser.context().close();

    await expect.poll(() => status(page).textContent(), { timeout: 20_000 }).toContain(`Added ${grace.email}`);
    const row = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-oauth-03-inbox.png') });

    // The code was exchanged with its PKCE verifier; Dovecot asked the provider about the token.
    expect(oauth.tokenRequests).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code_verifier: expect.any(String) })]);
    expect(oauth.introspected).toContain(oauth.issued[0]);
    // Kept: the account with its provider, no password and no token anywhere in the profile.
    const settings = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { accounts: Array<{ auth?: string; oauth2?: { provider: string } }> };
    expect(settings.accounts).toEqual([expect.objectContaining({ auth: 'oauth2', oauth2: expect.objectContaining({ provider: 'fake' }) })]);
    for (const path of filesUnder(dataDir)) {
      const bytes = readFileSync(path);
      for (const token of oauth.issued) expect(bytes.includes(Buffer.from(token)), path).toBe(false);
    }
    expect(app.output()).not.toContain(oauth.issued[0]);
    expect(foreignRequests).toEqual([]);
  });

  it('sends through submission with the token (XOAUTH2)', async () => {
    const { page } = journey;
    const subject = `Sent after signing in ${randomUUID().slice(0, 8)}`;
    await page.getByRole('button', { name: 'Compose' }).click();
    await page.getByLabel('To', { exact: true }).fill(user('grace').email);
    await page.getByLabel('Subject', { exact: true }).fill(subject);
    await page.getByLabel('Message', { exact: true }).fill('No password involved.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 30_000 }).toContain('Message sent');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
  });
});

describe('Account settings, reached through the app', () => {
  it('edits the name, saves it, and the change is there after a reload and in the composer’s From', async () => {
    const { page, app, dataDir } = journey;
    const grace = user('grace');
    await page.getByRole('button', { name: 'Account settings' }).click();
    const form = page.getByRole('form', { name: 'Account settings' });
    await expect.poll(() => form.getByRole('heading', { level: 2 }).textContent()).toBe(`Account settings: ${grace.email}`);
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('Grace');
    await form.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-account-settings-01-edit.png'), fullPage: true });
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toContain(`Saved the settings of ${grace.email}`);

    const kept = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { accounts: Array<{ name: string; identities: Array<{ name: string }> }> };
    expect(kept.accounts[0]).toMatchObject({ name: 'Grace Hopper', identities: [{ name: 'Grace Hopper' }] });

    await page.goto(app.url);
    await page.reload();
    await page.getByRole('button', { name: 'Account settings' }).click();
    await expect.poll(() => page.getByRole('form', { name: 'Account settings' }).getByLabel('Name', { exact: true }).inputValue()).toBe('Grace Hopper');
    await page.getByRole('form', { name: 'Account settings' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Compose' }).click();
    await expect.poll(() => page.getByLabel('From').textContent()).toContain(`Grace Hopper <${grace.email}>`);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-account-settings-02-from.png') });
  });
});
