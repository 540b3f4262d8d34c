import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { openSettingsFile } from '../../main/accounts/settings-store.js';
import { launchChromium } from './chromium.js';
import { testbed, user, type TestbedUserName } from './testbed.js';
import { startWebApp, type WebApp } from './web-app.js';

/** Where browser tests put their screenshots. */
export const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

export type BrowserJourney = {
  readonly app: WebApp;
  readonly browser: Browser;
  readonly page: Page;
  /** The app's profile folder (settings, store, outbox). */
  readonly dataDir: string;
  /** Requests the page made anywhere but the app's own origin. */
  readonly foreignRequests: readonly string[];
};

export type BrowserJourneyOptions = {
  viewport?: { width: number; height: number };
  /** More environment for the web app, worked out once the profile folder exists (servers a test starts first, say). */
  env?: (dataDir: string) => NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>;
  /** Fills the profile folder before the app starts (settings such as `undoSendSeconds`, a seeded store). */
  prepare?: (dataDir: string) => void | Promise<void>;
};

/**
 * A browser journey's fixture, registered for the calling test file: a fresh profile folder, the
 * built web app serving it (`npm run web`), Chromium with one page on it; all gone after the file.
 */
export function browserJourney(profilePrefix: string, { viewport = { width: 1280, height: 800 }, env, prepare }: BrowserJourneyOptions = {}): BrowserJourney {
  let app: WebApp | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let dataDir: string | undefined;
  const foreignRequests: string[] = [];
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), profilePrefix));
    await prepare?.(dataDir);
    const started = await startWebApp(dataDir, await env?.(dataDir));
    app = started;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport })).newPage();
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(started.origin) && !url.startsWith(started.origin.replace('http', 'ws'))) foreignRequests.push(url);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the browser journey has no ${what} yet (use it inside a test)`);
    return value;
  };
  return {
    get app() {
      return ready(app, 'app');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get page() {
      return ready(page, 'page');
    },
    get dataDir() {
      return ready(dataDir, 'profile folder');
    },
    foreignRequests,
  };
}

/** Writes entries to a profile's settings.json (before its app starts: the app reads them then). */
export function writeSettings(dataDir: string, settings: Record<string, unknown>): void {
  if (Object.keys(settings).length === 0) return;
  const file = openSettingsFile(dataDir);
  for (const [key, value] of Object.entries(settings)) file.set(key, value);
}

/**
 * Adds a test bed user's account through the manual form (from the wizard's first step, the
 * screen "Add account" opens on): name, address, password, the incoming server `incoming` fills
 * in, SMTP with STARTTLS on 587; waits for the status that says it was added.
 */
async function addThroughManualForm(page: Page, who: TestbedUserName, name: string, incoming: () => Promise<void>, screenshot?: string) {
  const bed = testbed();
  const u = user(who);
  await page.getByRole('button', { name: 'Set up manually' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email address').fill(u.email);
  await page.getByLabel('Password').fill(u.password);
  await incoming();
  await page.getByLabel('SMTP server').fill(bed.smtp.host);
  await page.getByLabel('SMTP security').selectOption('starttls');
  await page.getByLabel('SMTP port').fill(String(bed.smtp.submissionPort));
  if (screenshot) await page.screenshot({ path: join(ARTIFACTS, screenshot) });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain(`Added ${u.email}`);
}

/** Adds a test bed user's IMAP account (993, TLS) through the manual form. */
export async function addImapAccount(page: Page, who: 'alice' | 'bob', { name = who === 'alice' ? 'Alice Example' : 'Bob Example', screenshot }: { name?: string; screenshot?: string } = {}) {
  const bed = testbed();
  await addThroughManualForm(page, who, name, async () => {
    await page.getByLabel('IMAP server').fill(bed.imap.host);
    await page.getByLabel('IMAP security').selectOption('tls');
    await page.getByLabel('IMAP port').fill(String(bed.imap.tlsPort));
  }, screenshot);
}

/**
 * Adds a test bed user's POP3 account (995 with TLS, or 110 with STLS; messages left on the
 * server) through the manual form.
 */
export async function addPop3Account(page: Page, who: 'bob' | 'erin', { name, screenshot, security = 'tls' }: { name: string; screenshot?: string; security?: 'tls' | 'starttls' }) {
  const bed = testbed();
  await addThroughManualForm(page, who, name, async () => {
    await page.getByLabel('Incoming protocol').selectOption('pop3');
    await page.getByLabel('POP3 server').fill(bed.pop3.host);
    await page.getByLabel('POP3 security').selectOption(security);
    await page.getByLabel('POP3 port').fill(String(security === 'tls' ? bed.pop3.tlsPort : bed.pop3.starttlsPort));
    // Other test files read this user's mail over IMAP at the same time: nothing may leave the server.
    expect(await page.getByRole('checkbox', { name: 'Leave messages on server' }).isChecked()).toBe(true);
  }, screenshot);
}
