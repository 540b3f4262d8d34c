import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../../main/bridge/bridge-server.js';
import { mailFrameContentSecurityPolicy } from '../../../shared/mail-frame.js';
import { attachmentApp, type AttachmentApp } from '../../support/attachment-app.js';
import { messageWithParts, noisePng } from '../../support/attachment-messages.js';
import { peakLiveMemory } from '../../support/live-memory.js';

/**
 * Web mode's part routes on the loopback bridge: /attachment/<key>/<n> downloads an attachment,
 * /mail-part/<key>/<n> serves an inline image to the message's frame. Only with the message's
 * key (which only a page holding the per-run token can get, by opening the message over the
 * bridge's socket), only to the app's own pages, and never as something a browser would show
 * or run in the app's origin.
 */
let web: AttachmentApp;
let bridge: RunningBridge;
let staticRoot: string;
let key: string;
let folder: string;
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
const png = noisePng(40, 30);
const page = Buffer.from('<!doctype html><html><body><script>document.title = "ran in the app"</script></body></html>');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  staticRoot = mkdtempSync(join(tmpdir(), 'mua-static-'));
  writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>Mua</title>');
  web = await attachmentApp();
  bridge = await startBridge({ dispatch: web.app.dispatch, bus: web.app.bus, staticRoot, parts: web.app.parts });
  const delivered = await web.deliver(
    await messageWithParts(
      'Parts over the bridge',
      [
        { filename: 'logo.png', contentType: 'image/png', content: png, cid: 'logo@example.test' },
        { filename: 'report.pdf', contentType: 'application/pdf', content: pdf },
        { filename: 'page.html', contentType: 'text/html', content: page },
        { filename: '../../r\u00e9sum\u00e9 "final"\u202Etxt.exe', contentType: 'application/octet-stream', content: Buffer.from('x') },
      ],
      '<p><img src="cid:logo@example.test"></p>',
    ),
  );
  key = delivered.opened.partsKey!;
  folder = delivered.folder;
});

afterAll(async () => {
  await bridge?.close();
  await web?.stop();
  rmSync(staticRoot, { recursive: true, force: true });
});

type Got = { status: number; headers: IncomingHttpHeaders; body: Buffer };

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method, headers: { 'sec-fetch-site': 'same-origin', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('message.open', () => {
  it('hands out a key for the message’s parts: 32 random bytes, the same for the same message', async () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const again = await web.app.client.invoke('message.open', { accountId: web.account.id, folder, uid: 1 });
    expect(again.ok && again.value.partsKey).toBe(key);
    expect(again.ok && again.value.attachments.map((a) => [a.part, a.contentId ?? null])).toEqual([
      [0, 'logo@example.test'],
      [1, null],
      [2, null],
      [3, null],
    ]);
  });
});

describe('an attachment as a download', () => {
  it('is the attached bytes, as application/octet-stream, with Content-Disposition: attachment, nosniff and a sandbox policy', async () => {
    const got = await get(`/attachment/${key}/1`);
    expect(got.status).toBe(200);
    expect(sha(got.body)).toBe(sha(pdf));
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    expect(got.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(got.headers['cache-control']).toBe('no-store');
  });

  it('an HTML attachment is a download too, never a page of the app’s origin', async () => {
    const got = await get(`/attachment/${key}/2`);
    expect(got.body.equals(page)).toBe(true);
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.headers['content-disposition']).toMatch(/^attachment;/);
    expect(got.headers['content-security-policy']).toContain('sandbox');
  });

  it('carries the sanitized name, in ASCII and exactly (RFC 8187)', async () => {
    const got = await get(`/attachment/${key}/3`);
    const disposition = got.headers['content-disposition']!;
    expect(disposition).toBe(`attachment; filename="_.._r_sum_ _final_txt.exe"; filename*=UTF-8''_.._r%C3%A9sum%C3%A9%20_final_txt.exe`);
  });

  it('HEAD answers the headers without reading the part out', async () => {
    const got = await get(`/attachment/${key}/1`, {}, 'HEAD');
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(0);
    expect(got.headers['content-disposition']).toMatch(/report\.pdf/);
  });
});

describe('who may ask', () => {
  it('not without the key: a wrong key, a malformed one, a part that is not there', async () => {
    const wrong = key.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await get(`/attachment/${wrong}/1`)).status).toBe(404);
    expect((await get(`/attachment/${key.slice(1)}/1`)).status).toBe(404);
    expect((await get(`/attachment/${key}/01`)).status).toBe(404);
    expect((await get(`/attachment/${key}/9`)).status).toBe(404);
    expect((await get(`/attachment/${key}/1/../2`)).status).toBe(404);
    expect((await get(`/attachment/${key}/1?x=1`)).status).toBe(200);
  });

  it('not another site, nor another port of 127.0.0.1, even with the key', async () => {
    expect((await get(`/attachment/${key}/1`, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await get(`/attachment/${key}/1`, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await get(`/attachment/${key}/1`, { origin: 'http://evil.test' })).status).toBe(403);
    expect((await get(`/attachment/${key}/1`, { origin: `http://127.0.0.1:${bridge.port + 1}` })).status).toBe(403);
    // A name that resolves to 127.0.0.1 (DNS rebinding) is not our host.
    expect((await get(`/attachment/${key}/1`, { host: `evil.test:${bridge.port}` })).status).toBe(421);
    // Typed into the address bar (no site) or from our own page: yes.
    expect((await get(`/attachment/${key}/1`, { 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await get(`/attachment/${key}/1`, { origin: bridge.origin })).status).toBe(200);
  });

  it('only GET and HEAD', async () => {
    expect((await get(`/attachment/${key}/1`, {}, 'POST')).status).toBe(405);
  });

  it('without parts given to the bridge, nothing is served', async () => {
    const bare = await startBridge({ dispatch: web.app.dispatch, bus: web.app.bus, staticRoot });
    try {
      const status = await new Promise<number>((resolve) =>
        request({ host: '127.0.0.1', port: bare.port, path: `/attachment/${key}/1` }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).end(),
      );
      expect(status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

describe('an inline image for the message’s frame', () => {
  it('is served with its own raster type, nosniff and the sandbox policy', async () => {
    const got = await get(`/mail-part/${key}/0`, { 'sec-fetch-dest': 'image' });
    expect(got.status).toBe(200);
    expect(got.body.equals(png)).toBe(true);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['content-disposition']).toBeUndefined();
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toMatch(/^sandbox;/);
  });

  it('only images: a PDF or an HTML part is not served as one', async () => {
    expect((await get(`/mail-part/${key}/1`)).status).toBe(404);
    expect((await get(`/mail-part/${key}/2`)).status).toBe(404);
  });

  it('the frame for this message allows exactly these parts, at the origin the page uses', async () => {
    const frame = await get(`/mail-frame.html?remote=0&parts=${key}`);
    expect(frame.headers['content-security-policy']).toBe(mailFrameContentSecurityPolicy(false, { origin: bridge.origin, key }));
    expect(frame.headers['content-security-policy']).toContain(`img-src data: http://127.0.0.1:${bridge.port}/mail-part/${key}/;`);
    const viaLocalhost = await get(`/mail-frame.html?remote=1&parts=${key}`, { host: `localhost:${bridge.port}` });
    expect(viaLocalhost.headers['content-security-policy']).toContain(`img-src data: http://localhost:${bridge.port}/mail-part/${key}/ https: http:;`);
    const noKey = await get(`/mail-frame.html?remote=0&parts=${key}x`);
    expect(noKey.headers['content-security-policy']).toContain('img-src data:;');
  });
});

describe('a large attachment', () => {
  it('streams out of a 33 MB message without holding it', async () => {
    const big = randomBytes(24 * 1024 * 1024);
    const { opened } = await web.deliver(await messageWithParts('Big download', [{ filename: 'big.bin', contentType: 'application/octet-stream', content: big }]));
    const hash = createHash('sha256');
    let length = 0;
    const { peak } = await peakLiveMemory(
      () =>
        new Promise<void>((resolve, reject) => {
          request({ host: '127.0.0.1', port: bridge.port, path: `/attachment/${opened.partsKey}/0`, headers: { 'sec-fetch-site': 'same-origin' } }, (res) => {
            res.on('data', (c: Buffer) => {
              hash.update(c);
              length += c.length;
            });
            res.on('end', resolve);
            res.on('error', reject);
          }).end();
        }),
    );
    expect(length).toBe(big.length);
    expect(hash.digest('hex')).toBe(sha(big));
    expect(peak).toBeLessThan(big.length / 4);
  }, 120_000);
});
