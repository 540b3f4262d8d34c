import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testbedAccount } from '../support/accounts.js';
import { directConnection } from '../support/carol-through-proxy.js';
import { launchChromium } from '../support/chromium.js';
import { hostileHtml, htmlMessage, PNG_1X1_BYTES } from '../support/reader-messages.js';
import { messageWithParts, noisePng } from '../support/attachment-messages.js';
import { readFileSync } from 'node:fs';
import { startWebApp, type WebApp } from '../support/web-app.js';

/**
 * The reader in real Chromium through `npm run web`, on Carol's test bed Inbox: a hostile HTML
 * message runs nothing and loads nothing, and a message's remote image is fetched from a
 * loopback server only after "Load remote content".
 */
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const run = randomUUID().slice(0, 8);
const HOSTILE = `Hostile ${run}`;
const PICTURE = `Picture ${run}`;
const INLINE = `Inline ${run}`;
const FONTS = `Fonts ${run}`;
const ATTACHED = `Attached ${run}`;
/** A 1200 × 1100 picture of noise, stored: about 4 MB, as an inline (cid:) image. */
const PHOTO = noisePng(1200, 1100);
const REPORT = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(120_000)]);
const WEB_PAGE = Buffer.from('<!doctype html><title>pwned-attachment</title><script>document.title = "pwned-attachment"</script>');

let app: WebApp;
let browser: Browser;
let page: Page;
let dataDir: string;
let images: Server;
let imageOrigin: string;
/** Every request that reached the loopback server (the beacon of the hostile message, the picture). */
const hits: string[] = [];
/** A second loopback server, for a message's fonts, imported style sheet and CSS background. */
let styles: Server;
let styleOrigin: string;
const styleHits: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  images = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.endsWith('.png') || req.url?.endsWith('.gif')) {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
      res.end(PNG_1X1_BYTES);
    } else {
      res.writeHead(204);
      res.end();
    }
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imageOrigin = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;

  styles = createServer((req, res) => {
    styleHits.push(req.url ?? '');
    if (req.url === '/import.css') {
      res.writeHead(200, { 'Content-Type': 'text/css', 'Cache-Control': 'no-store' });
      res.end('p { color: #333 }');
    } else if (req.url === '/bg.png') {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
      res.end(PNG_1X1_BYTES);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => styles.listen(0, '127.0.0.1', resolve));
  styleOrigin = `http://127.0.0.1:${(styles.address() as AddressInfo).port}`;

  const carol = await directConnection('carol');
  await carol.append(
    'INBOX',
    await messageWithParts(
      INLINE,
      [{ filename: 'photo.png', contentType: 'image/png', content: PHOTO, cid: 'photo@example.test' }],
      `<h1>Our photo</h1><p><img id="photo" src="cid:photo@example.test" alt="the photo"></p><p><img id="remote" src="${imageOrigin}/remote-beside-inline.png" alt="remote"></p>`,
    ),
  );
  await carol.append(
    'INBOX',
    htmlMessage(
      FONTS,
      // (@import must come first, or the browser ignores it.)
      `<style>@import url(${styleOrigin}/import.css);
@font-face { font-family: "Remote Sans"; src: url(${styleOrigin}/font.woff2) format("woff2"); }
body { background: #fff url("${styleOrigin}/bg.png"); }</style>
<h1 style="font-family: 'Remote Sans', serif">Fonts</h1><p style="font-family: 'Remote Sans'">Text in a font from the network.</p>`,
    ),
  );
  await carol.append(
    'INBOX',
    await messageWithParts(
      ATTACHED,
      [
        { filename: 'report.pdf', contentType: 'application/pdf', content: REPORT },
        { filename: 'page.html', contentType: 'text/html', content: WEB_PAGE },
      ],
      '<h1>Two attachments</h1>',
    ),
  );
  await carol.append('INBOX', htmlMessage(HOSTILE, hostileHtml(imageOrigin)));
  await carol.append(
    'INBOX',
    htmlMessage(PICTURE, `<h1>Our picture</h1><p>Here it is:</p><img src="${imageOrigin}/picture.png" width="120" height="80" alt="the picture">`),
  );
  await carol.logout();

  dataDir = mkdtempSync(join(tmpdir(), 'mua-e2e-reader-'));
  app = await startWebApp(dataDir);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('dialog', (dialog) => void dialog.dismiss());
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await new Promise((resolve) => images?.close(resolve));
  await new Promise((resolve) => styles?.close(resolve));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Adds Carol's account over the page's own bridge connection (the account form has tests of its own). */
async function addCarol() {
  const input = testbedAccount('carol');
  const reply = await page.evaluate(
    (account) =>
      new Promise<{ ok: boolean; error?: { message: string } }>((resolve, reject) => {
        const token = sessionStorage.getItem('mua.bridge-token') ?? '';
        const ws = new WebSocket(`ws://${location.host}/bridge`, ['mua-bridge.v1', `mua-token.${token}`]);
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel: 'accounts.add', input: account }));
        ws.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { kind: string; id?: number; reply?: { ok: boolean; error?: { message: string } } };
          if (message.kind === 'reply' && message.id === 1) {
            ws.close();
            resolve(message.reply!);
          }
        };
        ws.onerror = () => reject(new Error('bridge connection failed'));
      }),
    input,
  );
  if (!reply.ok) throw new Error(`accounts.add failed: ${reply.error?.message}`);
}

const reader = () => page.getByRole('article', { name: 'Message' });
const FRAME = 'iframe[title="Message body"]';

async function open(subject: string) {
  const row = page.getByRole('list', { name: 'Messages' }).getByRole('button').filter({ hasText: subject });
  await expect
    .poll(
      async () => {
        if ((await row.count()) === 0) await page.getByRole('button', { name: 'Refresh' }).click();
        return row.count();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBe(1);
  await row.click();
  await expect.poll(() => reader().getByRole('heading').first().textContent()).toBe(subject);
  await page.waitForSelector(FRAME);
  // The frame's document is ours to read (same origin, no script of its own): wait for its content.
  await expect.poll(() => page.evaluate((sel) => document.querySelector<HTMLIFrameElement>(sel)?.contentDocument?.querySelector('h1')?.textContent ?? '', FRAME)).not.toBe('');
}

/** Where an element of the frame is on the page, to point and click there as a person would. */
async function pointAt(selector: string): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ frame, selector }) => {
      const iframe = document.querySelector<HTMLIFrameElement>(frame)!;
      const outer = iframe.getBoundingClientRect();
      const inner = iframe.contentDocument!.querySelector(selector)!.getBoundingClientRect();
      return { x: outer.left + inner.left + inner.width / 2, y: outer.top + inner.top + inner.height / 2 };
    },
    { frame: FRAME, selector },
  );
}

const frameTitle = () => page.evaluate((sel) => document.querySelector<HTMLIFrameElement>(sel)?.contentDocument?.title ?? '', FRAME);
const settle = () => page.waitForTimeout(1000);

describe('the reader, in Chromium through `npm run web`', () => {
  it('opens the app with Carol’s account', async () => {
    await page.goto(app.url);
    await addCarol();
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Inbox', exact: true }).count(), { timeout: 20_000 }).toBe(1);
  });

  it('shows a hostile HTML message with nothing run and nothing loaded', async () => {
    await open(HOSTILE);
    await settle();
    expect(await page.title()).toBe('Mua Mail');
    expect(await frameTitle()).toBe('');
    const frame = await page.evaluate((sel) => {
      const doc = document.querySelector<HTMLIFrameElement>(sel)!.contentDocument!;
      return {
        text: doc.body.textContent ?? '',
        scripts: doc.querySelectorAll('script, form, iframe, object, embed, meta[http-equiv=refresh], base').length,
        handlers: [...doc.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on'))).length,
      };
    }, FRAME);
    expect(frame.text).toContain('Hello from a hostile message.');
    expect(frame.scripts).toBe(0);
    expect(frame.handlers).toBe(0);
    const sandbox = await page.locator(FRAME).getAttribute('sandbox');
    expect(sandbox).not.toContain('allow-scripts');
    const banner = reader().getByRole('status', { name: 'Remote content' });
    expect(await banner.textContent()).toMatch(/Remote content was blocked.*127\.0\.0\.1/);
    expect(await banner.textContent()).toContain('1 tracking pixel blocked');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-01-hostile.png'), fullPage: true });
    expect(hits).toEqual([]);
  });

  it('a javascript: link does nothing; a link whose text shows another domain asks first', async () => {
    const js = await pointAt('#js');
    await page.mouse.click(js.x, js.y);
    await settle();
    expect(await frameTitle()).toBe('');
    expect(await page.title()).toBe('Mua Mail');
    expect(page.url().startsWith(app.origin)).toBe(true);

    const phish = await pointAt('#phish');
    await page.mouse.move(phish.x, phish.y);
    await expect.poll(() => reader().getByText('Link goes to https://evil.example.net/login').count()).toBe(1);
    await page.mouse.click(phish.x, phish.y);
    const dialog = reader().getByRole('alertdialog');
    await expect.poll(() => dialog.count()).toBe(1);
    expect(await dialog.textContent()).toContain('shows bank.example.com, but it goes to evil.example.net');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-02-link-check.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.count()).toBe(0);
    expect(hits).toEqual([]);
  });

  it('the plain text view and the source', async () => {
    await reader().getByRole('button', { name: 'Plain text' }).click();
    await expect.poll(() => reader().textContent()).toContain('This message has an HTML version.');
    await reader().getByRole('button', { name: 'View source' }).click();
    const source = reader().getByLabel('Message source');
    await expect.poll(() => source.textContent()).toContain(`Subject: ${HOSTILE}`);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-03-source.png'), fullPage: true });
    await reader().getByRole('button', { name: 'View source' }).click();
    expect(hits).toEqual([]);
  });

  it('blocks a remote image by default, and loads it after "Load remote content"', async () => {
    await open(PICTURE);
    await settle();
    expect(hits).toEqual([]);
    const banner = reader().getByRole('status', { name: 'Remote content' });
    expect(await banner.textContent()).toContain('1 item from 127.0.0.1');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-04-remote-blocked.png'), fullPage: true });
    await banner.getByRole('button', { name: 'Load remote content' }).click();
    await expect.poll(() => hits, { timeout: 10_000 }).toEqual(['/picture.png']);
    await expect
      .poll(() => page.evaluate((sel) => document.querySelector<HTMLIFrameElement>(sel)?.contentDocument?.querySelector('img')?.naturalWidth ?? 0, FRAME))
      .toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-05-remote-loaded.png'), fullPage: true });
  });

  it('shows an inline (cid:) image of 4 MB from the app, not as a data: URL, while a remote image beside it stays blocked', async () => {
    // The page connects anew, so its bridge socket's frames can be measured from the start.
    const frames: number[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(frame.payload.length)));
    await page.reload();
    const before = hits.length;
    await open(INLINE);
    const photo = () =>
      page.evaluate((sel) => {
        const img = document.querySelector<HTMLIFrameElement>(sel)?.contentDocument?.querySelector<HTMLImageElement>('#photo');
        return { src: img?.getAttribute('src') ?? '', width: img?.naturalWidth ?? 0, complete: img?.complete ?? false };
      }, FRAME);
    await expect.poll(async () => (await photo()).width, { timeout: 15_000 }).toBe(1200);
    expect((await photo()).src).toMatch(/^\/mail-part\/[0-9a-f]{64}\/0$/);
    // The message crossed the bridge without the picture: no reply came near its 4 MB.
    expect(PHOTO.length).toBeGreaterThan(3_900_000);
    expect(Math.max(...frames)).toBeLessThan(100_000);
    const remote = await page.evaluate((sel) => document.querySelector<HTMLIFrameElement>(sel)!.contentDocument!.querySelector('#remote')!.hasAttribute('src'), FRAME);
    expect(remote).toBe(false);
    const banner = reader().getByRole('status', { name: 'Remote content' });
    expect(await banner.textContent()).toContain('1 item from 127.0.0.1');
    await settle();
    expect(hits.slice(before)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-06-inline-image.png'), fullPage: true });
  });

  it('a remote font, an imported style sheet and a CSS background load nothing until remote content is allowed', async () => {
    await open(FONTS);
    await settle();
    expect(styleHits).toEqual([]);
    const banner = reader().getByRole('status', { name: 'Remote content' });
    expect(await banner.textContent()).toContain('3 items from 127.0.0.1');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-07-fonts-blocked.png'), fullPage: true });
    await banner.getByRole('button', { name: 'Load remote content' }).click();
    // Allowed: now they are asked for (the font because text uses it).
    await expect.poll(() => [...styleHits].sort(), { timeout: 10_000 }).toEqual(['/bg.png', '/font.woff2', '/import.css']);
  });

  it('saves an attachment: the browser downloads exactly the bytes the message carried', async () => {
    await open(ATTACHED);
    const attachments = reader().getByRole('region', { name: 'Attachments' });
    const [download] = await Promise.all([page.waitForEvent('download'), attachments.getByRole('button', { name: 'Save report.pdf', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('report.pdf');
    expect(readFileSync(await download.path()).equals(REPORT)).toBe(true);
    await expect.poll(() => attachments.textContent()).toContain('Downloading “report.pdf”.');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-reader-08-attachments.png'), fullPage: true });
  });

  it('an HTML attachment is only ever a download, and is not opened', async () => {
    const attachments = reader().getByRole('region', { name: 'Attachments' });
    const [download] = await Promise.all([page.waitForEvent('download'), attachments.getByRole('button', { name: 'Save page.html', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('page.html');
    expect(readFileSync(await download.path()).equals(WEB_PAGE)).toBe(true);
    // Nothing of it ran in the app, nor anywhere else.
    expect(await page.title()).toBe('Mua Mail');
    expect(page.url().startsWith(app.origin)).toBe(true);
    expect(page.context().pages()).toHaveLength(1);
    await attachments.getByRole('button', { name: 'Open page.html', exact: true }).click();
    await expect.poll(() => reader().getByRole('alert').textContent()).toMatch(/“page\.html” could run a program or a script/);
  });
});
