import { mailFrameContentSecurityPolicy, mailFrameDocument } from '../../../shared/mail-frame.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/bridge/static-files.js';
import { createAppRequestHandler, registerAppScheme, resolveAppRequest, serveAppScheme } from '../../../main/electron/app-protocol.js';

process.env.MUA_LOG = 'silent';

let base: string;
let rendererDir: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'mua-app-protocol-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Mua</title>');
  writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(rendererDir, 'assets', 'data.bin'), 'x');
  // A secret beside the renderer folder, and one whose name starts like it.
  writeFileSync(join(base, 'secret.txt'), 'password');
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'evil');
  handler = createAppRequestHandler(rendererDir);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('the app: scheme', () => {
  it('is registered as standard and secure, with fetch support and no CSP bypass', () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn() };
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('is served by protocol.handle', async () => {
    const protocol = { handle: vi.fn() };
    serveAppScheme(protocol, rendererDir);
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const response = await (protocol.handle.mock.calls[0]![1] as typeof handler)(new Request('app://mua/index.html'));
    expect(response.status).toBe(200);
  });
});

describe('the app:// handler', () => {
  it.each([
    ['app://mua/index.html', 'text/html; charset=utf-8', '<!doctype html><title>Mua</title>'],
    ['app://mua/', 'text/html; charset=utf-8', '<!doctype html><title>Mua</title>'],
    ['app://mua/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['app://mua/assets/index-abc.css', 'text/css; charset=utf-8', 'body{}'],
    ['app://mua/assets/logo.svg', 'image/svg+xml', '<svg/>'],
    ['app://mua/assets/data.bin', 'application/octet-stream', 'x'],
    ['app://mua/index.html?x=1#y', 'text/html; charset=utf-8', '<!doctype html><title>Mua</title>'],
  ])('serves %s as %s', async (url, type, body) => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(await response.text()).toBe(body);
  });

  it('makes the mail frame document itself, under the frame’s own policy', async () => {
    for (const remote of [false, true]) {
      const response = await get(`app://mua/mail-frame.html?remote=${remote ? 1 : 0}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(mailFrameContentSecurityPolicy(remote));
      expect(await response.text()).toBe(mailFrameDocument(remote));
    }
    expect((await get('app://mua/mail-frame.html', 'POST')).status).toBe(405);
  });

  it('sends the CSP and the other security headers with every response', async () => {
    for (const url of ['app://mua/index.html', 'app://mua/missing.js']) {
      const response = await get(url);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    }
  });

  it.each([
    'app://mua/../secret.txt',
    'app://mua/%2e%2e/secret.txt',
    'app://mua/%2E%2E%2Fsecret.txt',
    'app://mua/assets/%2e%2e/%2e%2e/secret.txt',
    'app://mua/..%2f..%2fsecret.txt',
    'app://mua/%2e%2e%2frenderer-evil/x.js',
    'app://mua/%2Fetc%2Fpasswd',
  ])('never serves a file outside the renderer folder: %s', async (url) => {
    const response = await get(url);
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain('password');
    expect(await get(url).then((r) => r.text())).not.toContain('evil');
  });

  it.each([
    ['app://mua/..%5c..%5csecret.txt', 400],
    ['app://mua/index.html%00.js', 400],
    ['app://mua/%E0%A4%A', 400],
    ['app://mua/missing.js', 404],
    ['app://mua/assets', 404],
    ['app://evil/index.html', 404],
  ])('answers %s with %i', async (url, status) => {
    expect((await get(url)).status).toBe(status);
  });

  it('answers only GET and HEAD', async () => {
    expect((await get('app://mua/index.html', 'POST')).status).toBe(405);
    const head = await get('app://mua/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('resolves paths without touching the disk', () => {
    expect(resolveAppRequest('/opt/r', 'app://mua/a/b.js')).toEqual({ path: join('/opt/r', 'a', 'b.js'), contentType: 'text/javascript; charset=utf-8' });
    expect(resolveAppRequest('/opt/r', 'app://mua/..%2fr2/x.js')).toEqual({ status: 404 });
    expect(resolveAppRequest('/opt/r', 'not a url')).toEqual({ status: 400 });
  });
});
