/**
 * The renderer benchmark (issue 7): the built app (`npm run web`'s server, out/main/web.js) in
 * Debian's Chromium on a profile whose Inbox holds COUNT messages, built directly in mail.sqlite
 * (test/support/seeded-profile.ts: complete, so no server is needed to list it).
 *
 *   npm run bench:renderer -- [--count 100000] [--scroll 10000] [--opens 20] [--cold 5]
 *
 * Measures:
 * - cold starts: COLD times, each with a new server process (`npm run web`'s, on the same profile)
 *   and a new Chromium on a new browser profile (nothing cached): from the page's start
 *   (navigation start, performance.now() = 0) to the first message rows in the DOM. Each start
 *   is measured twice over, in a Chromium driven over the DevTools protocol with its Page domain
 *   only (test/support/bare-chromium.ts: no inspector costs, as a person's window) and in one
 *   driven by Playwright (which turns on the inspector's Runtime and Network domains). Reference
 *   in the same go: the same cold start of a page that only writes one row (the floor Chromium
 *   and the server set under any page on this machine);
 * - inbox: the same, in the Playwright browser used for what follows: its first load, and reloads;
 * - open: from the click on a row to the reader's heading showing that message, for messages whose
 *   source is kept in the store (the newest 50): median and worst;
 * - scroll: SCROLL rows scrolled by script, ROWS_PER_FRAME rows a frame, paging history in as it
 *   goes; frames whose requestAnimationFrame interval is over 50 ms are counted;
 * - heap: the page's used JS heap (CDP Runtime.getHeapUsage, after a forced GC) after the inbox
 *   is drawn and after the scroll; the DOM's element count and the list's rows at both points.
 * Targets: inbox under 1 s, open under 50 ms, no frame over 50 ms while scrolling.
 * Build first: `npx electron-vite build`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bareColdLoad } from '../support/bare-chromium.js';
import { launchChromium } from '../support/chromium.js';
import { seedProfile } from '../support/seeded-profile.js';
import { BUILT_WEB_ENTRY, startWebApp } from '../support/web-app.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    scroll: { type: 'string', default: '10000' },
    opens: { type: 'string', default: '20' },
    'rows-per-frame': { type: 'string', default: '16' },
    cold: { type: 'string', default: '5' },
  },
});
const COUNT = Number(args.count);
const SCROLL = Number(args.scroll);
const OPENS = Number(args.opens);
const ROWS_PER_FRAME = Number(args['rows-per-frame']);
const COLD = Number(args.cold);
const ROW = 'ul.message-list > li';

if (!existsSync(BUILT_WEB_ENTRY)) {
  console.error('out/main/web.js is missing: run `npx electron-vite build` first.');
  process.exit(1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (x: number) => `${(x / 1024 / 1024).toFixed(1)} MB`;

const dataDir = mkdtempSync(join(tmpdir(), 'mua-bench-renderer-'));
const seedStart = performance.now();
const { subjectOf } = seedProfile(dataDir, { count: COUNT, cached: 50 });
const seedMs = performance.now() - seedStart;

/** The reference page: one row, written by a module script, served by the same server. */
const floorDir = mkdtempSync(join(tmpdir(), 'mua-bench-floor-'));
writeFileSync(join(floorDir, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="UTF-8"><title>Floor</title><script type="module" src="./floor.js"></script></head><body><div id="root"></div></body></html>');
writeFileSync(join(floorDir, 'floor.js'), `document.getElementById('root').innerHTML = '<ul class="message-list"><li>One row</li></ul>';`);

/** One cold start: a new server on the profile, a new Chromium; the time to the first row. */
async function coldStart(driver: 'bare' | 'playwright', page: 'app' | 'floor'): Promise<number> {
  const server = await startWebApp(dataDir, {}, page === 'floor' ? { rendererDir: floorDir } : {});
  try {
    if (driver === 'bare') return await bareColdLoad(server.url, ROW);
    const browser = await launchChromium();
    try {
      const tab = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await tab.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
      await tab.addInitScript((row: string) => {
        const w = window as unknown as { __rowsAt?: number };
        const observer = new MutationObserver(() => {
          if (w.__rowsAt === undefined && document.querySelector(row)) {
            w.__rowsAt = performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document, { childList: true, subtree: true });
      }, ROW);
      await tab.goto(server.url);
      await tab.waitForFunction(() => (window as unknown as { __rowsAt?: number }).__rowsAt !== undefined, undefined, { timeout: 30_000 });
      return await tab.evaluate(() => (window as unknown as { __rowsAt: number }).__rowsAt);
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
}

const colds = { bare: { app: [] as number[], floor: [] as number[] }, playwright: { app: [] as number[], floor: [] as number[] } };
for (let round = 0; round < COLD; round++) {
  // Alternated, so a slow spell of the host falls on both pages and both drivers alike.
  for (const driver of ['bare', 'playwright'] as const) {
    for (const page of round % 2 ? (['floor', 'app'] as const) : (['app', 'floor'] as const)) colds[driver][page].push(await coldStart(driver, page));
  }
  console.error(`cold start ${round + 1}/${COLD}: app ${colds.bare.app.at(-1)!.toFixed(0)} ms bare, ${colds.playwright.app.at(-1)!.toFixed(0)} ms with Playwright`);
}

const app = await startWebApp(dataDir);
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // tsx compiles the functions handed to page.evaluate with esbuild's keepNames, which wraps named
  // functions in __name(): the page needs that helper too.
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  // Before any of the page's scripts: note when the first message row enters the DOM.
  await page.addInitScript(() => {
    const w = window as unknown as { __rowsAt?: number };
    const observer = new MutationObserver(() => {
      if (w.__rowsAt === undefined && document.querySelector('ul.message-list > li')) {
        w.__rowsAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const domCounts = () =>
    page.evaluate(() => ({ elements: document.getElementsByTagName('*').length, rows: document.querySelectorAll('ul.message-list > li').length }));

  const inboxTimes: number[] = [];
  for (let run = 0; run < 4; run++) {
    if (run === 0) await page.goto(app.url);
    else await page.reload();
    await page.waitForFunction(() => (window as unknown as { __rowsAt?: number }).__rowsAt !== undefined, undefined, { timeout: 30_000 });
    inboxTimes.push(await page.evaluate(() => (window as unknown as { __rowsAt: number }).__rowsAt));
  }
  // Drawn: the newest message first.
  await page.getByRole('list', { name: 'Messages' }).getByRole('button', { name: new RegExp(subjectOf(COUNT)) }).waitFor();
  const heapInbox = await heap();
  const domInbox = await domCounts();

  // Opening cached messages: the click to the reader's heading showing it.
  const openTimes: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    // The ten newest (drawn without scrolling; each differs from the one open before it).
    const uid = COUNT - (i % 10);
    const subject = subjectOf(uid);
    openTimes.push(
      await page.evaluate(async (subject) => {
        const button = [...document.querySelectorAll<HTMLButtonElement>('ul.message-list > li button.row')].find((b) => b.querySelector('.subject')?.textContent === subject);
        if (!button) throw new Error(`no row for ${subject}`);
        return new Promise<number>((resolve) => {
          const start = performance.now();
          const done = () => {
            const heading = document.querySelector('article[aria-label="Message"] h2');
            if (heading?.textContent !== subject) return false;
            observer.disconnect();
            resolve(performance.now() - start);
            return true;
          };
          const observer = new MutationObserver(done);
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          button.click();
        });
      }, subject),
    );
  }
  await page.keyboard.press('Escape');

  // Scrolling SCROLL rows, ROWS_PER_FRAME a frame, history paging in as it goes.
  const scroll = await page.evaluate(
    async ({ rows, perFrame }) => {
      const scroller = document.querySelector<HTMLElement>('.message-scroller')!;
      const rowHeight = document.querySelector<HTMLElement>('ul.message-list > li')!.getBoundingClientRect().height;
      scroller.scrollTop = 0;
      const target = rows * rowHeight;
      const frames: number[] = [];
      let maxRowsInDom = 0;
      let stalled = 0;
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const step = (t: number) => {
          frames.push(t);
          maxRowsInDom = Math.max(maxRowsInDom, document.querySelectorAll('ul.message-list > li').length);
          const before = scroller.scrollTop;
          if (before >= target - 1) return resolve();
          scroller.scrollTop = Math.min(target, before + perFrame * rowHeight);
          // At the end of what is loaded: the next page has not come yet.
          if (scroller.scrollTop === before) stalled++;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
      return {
        totalMs: performance.now() - start,
        frames: intervals.length,
        over50: intervals.filter((d) => d > 50).length,
        worst: Math.max(...intervals),
        p95: [...intervals].sort((a, b) => a - b)[Math.floor(intervals.length * 0.95)]!,
        stalled,
        maxRowsInDom,
        rowHeight,
        reached: Math.round(scroller.scrollTop / rowHeight),
      };
    },
    { rows: SCROLL, perFrame: ROWS_PER_FRAME },
  );
  const heapScrolled = await heap();
  const domScrolled = await domCounts();

  const coldFigures = (xs: number[]) => ({ medianMs: Math.round(median(xs)), allMs: xs.map(Math.round) });
  const ratio = (driver: 'bare' | 'playwright') => median(colds[driver].app) / median(colds[driver].floor);
  const figures = {
    data: { messages: COUNT, cachedBodies: 50, seedMs: Math.round(seedMs), viewport: '1280x800', chromium: browser.version() },
    coldStarts: {
      runs: COLD,
      bare: { app: coldFigures(colds.bare.app), floor: coldFigures(colds.bare.floor), appOverFloor: Math.round(ratio('bare') * 100) / 100 },
      playwright: { app: coldFigures(colds.playwright.app), floor: coldFigures(colds.playwright.floor), appOverFloor: Math.round(ratio('playwright') * 100) / 100 },
    },
    inbox: { firstLoadMs: inboxTimes[0], reloadMs: inboxTimes.slice(1), reloadMedianMs: median(inboxTimes.slice(1)) },
    open: { runs: OPENS, medianMs: median(openTimes), worstMs: Math.max(...openTimes), allMs: openTimes.map((t) => Math.round(t * 10) / 10) },
    scroll: { rows: SCROLL, rowsPerFrame: ROWS_PER_FRAME, ...scroll },
    heap: { afterInbox: heapInbox, afterScroll: heapScrolled },
    dom: { afterInbox: domInbox, afterScroll: domScrolled },
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(`
Renderer benchmark: ${COUNT.toLocaleString()} messages in the Inbox (store built in ${(seedMs / 1000).toFixed(1)} s), Chromium ${browser.version()}, 1280x800
  cold starts (${COLD}, new server and new Chromium each), first rows drawn:        (target < 1000 ms)
    no inspector: median ${ms(median(colds.bare.app))} (${colds.bare.app.map((x) => x.toFixed(0)).join(', ')}); one-row page ${ms(median(colds.bare.floor))}; ratio ${ratio('bare').toFixed(2)}
    Playwright:   median ${ms(median(colds.playwright.app))} (${colds.playwright.app.map((x) => x.toFixed(0)).join(', ')}); one-row page ${ms(median(colds.playwright.floor))}; ratio ${ratio('playwright').toFixed(2)}
  inbox drawn in the Playwright browser below: first load ${ms(inboxTimes[0]!)}, reloads ${inboxTimes.slice(1).map(ms).join(', ')}
  open cached: median ${ms(median(openTimes))}, worst ${ms(Math.max(...openTimes))} of ${OPENS}        (target < 50 ms)
  scroll ${SCROLL.toLocaleString()} rows (${ROWS_PER_FRAME}/frame, reached row ${scroll.reached}): ${scroll.frames} frames in ${ms(scroll.totalMs)}, over 50 ms: ${scroll.over50}, worst ${ms(scroll.worst)}, p95 ${ms(scroll.p95)}, frames waiting on a page: ${scroll.stalled}
  rows in the DOM: ${domInbox.rows} after drawing, at most ${scroll.maxRowsInDom} while scrolling, ${domScrolled.rows} after; elements ${domInbox.elements} → ${domScrolled.elements}
  JS heap: ${mb(heapInbox)} after drawing, ${mb(heapScrolled)} after scrolling`);
} finally {
  await browser.close();
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(floorDir, { recursive: true, force: true });
}
