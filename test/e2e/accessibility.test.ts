import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { seedProfile, seededSubject } from '../support/seeded-profile.js';
import { startWebApp, type WebApp } from '../support/web-app.js';

/**
 * An axe scan (axe-core, the version pinned in package.json) of every screen of the built app in
 * Chromium, in the light and the dark theme, and at the size of a 1280×800 window zoomed to 200%:
 * no serious or critical violation. The profile is built directly (test/support/seeded-profile.ts):
 * an account whose Inbox holds 300 messages, complete, so no server is needed to list or open them.
 */
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const COUNT = 300;
// The pinned axe-core itself, not the copy @axe-core/playwright carries.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let app: WebApp;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'mua-a11y-profile-'));
  seedProfile(dataDir, { count: COUNT, cached: 20 });
  app = await startWebApp(dataDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Finding = { id: string; impact: string | null | undefined; help: string; targets: string[] };

async function scan(page: Page, screen: string): Promise<Finding[]> {
  await page.screenshot({ path: join(ARTIFACTS, `a11y-${screen}.png`) });
  const results = await new AxeBuilder({ page, axeSource: AXE_SOURCE }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

const VARIANTS = [
  { name: 'light', options: { viewport: { width: 1280, height: 800 }, colorScheme: 'light' as const } },
  { name: 'dark', options: { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' as const } },
  // A 1280×800 window at 200% zoom lays out as 640×400 CSS pixels at twice the density.
  { name: 'zoom200', options: { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2, colorScheme: 'light' as const } },
];

describe.each(VARIANTS)('every screen, $name', ({ name, options }) => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext(options);
    page = await context.newPage();
    await page.goto(app.url);
  });
  afterAll(() => context?.close());

  it('the inbox with messages', async () => {
    const list = page.getByRole('list', { name: 'Messages' });
    await list.getByRole('button', { name: new RegExp(seededSubject(COUNT)) }).waitFor();
    expect(await scan(page, `${name}-01-inbox`)).toEqual([]);
  });

  it('the reader', async () => {
    await page.getByRole('list', { name: 'Messages' }).getByRole('button', { name: new RegExp(seededSubject(COUNT - 1)) }).click();
    await expect.poll(() => page.getByRole('article', { name: 'Message' }).getByRole('heading').first().textContent()).toBe(seededSubject(COUNT - 1));
    expect(await scan(page, `${name}-02-reader`)).toEqual([]);
  });

  it('the keyboard shortcuts help', async () => {
    await page.getByRole('heading', { name: 'Inbox' }).focus();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await scan(page, `${name}-03-shortcuts`)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
  });

  it('compose', async () => {
    await page.getByRole('heading', { name: 'Inbox' }).focus();
    await page.keyboard.press('c');
    await page.getByLabel('Subject', { exact: true }).waitFor();
    expect(await scan(page, `${name}-04-compose`)).toEqual([]);
  });

  it('the account form', async () => {
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('heading', { name: 'Add account' }).waitFor();
    expect(await scan(page, `${name}-05-account-form`)).toEqual([]);
  });
});
