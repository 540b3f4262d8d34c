import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
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
};

/**
 * A browser journey's fixture, registered for the calling test file: a fresh profile folder, the
 * built web app serving it (`npm run web`), Chromium with one page on it; all gone after the file.
 */
export function browserJourney(profilePrefix: string, { viewport = { width: 1280, height: 800 }, env }: BrowserJourneyOptions = {}): BrowserJourney {
  let app: WebApp | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let dataDir: string | undefined;
  const foreignRequests: string[] = [];
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), profilePrefix));
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
