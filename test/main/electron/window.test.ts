import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/bridge/static-files.js';
import { mailFrameContentSecurityPolicy } from '../../../shared/mail-frame.js';
import { builtPaths } from '../../../main/electron/paths.js';
import { createMainWindow, mainWindowOptions } from '../../../main/electron/window.js';
import { FakeBrowserWindow, fakeSession, type FakeWebContents } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).fakeElectron);

const paths = builtPaths(pathToFileURL(resolve('/opt/mua/out/main/electron.js')).href);

function navigationEvent(url: string, isMainFrame = true) {
  return { url, isMainFrame, preventDefault: vi.fn() };
}

describe('mainWindowOptions', () => {
  const prefs = mainWindowOptions('/opt/mua/out/preload/preload.cjs').webPreferences ?? {};

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
  ] as const)('sets %s to %s explicitly', (option, value) => {
    expect(Object.hasOwn(prefs, option)).toBe(true);
    expect(prefs[option]).toBe(value);
  });

  it('enables no extra Blink features and turns off auxclick (middle-click new windows)', () => {
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
  });

  it('turns off the spellchecker’s dictionary download and drag-and-drop navigation', () => {
    expect(prefs.spellcheck).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('has exactly the web preferences listed here, no others', () => {
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent', 'contextIsolation', 'disableBlinkFeatures', 'enableBlinkFeatures', 'experimentalFeatures',
        'navigateOnDragDrop', 'nodeIntegration', 'nodeIntegrationInSubFrames', 'nodeIntegrationInWorker', 'preload', 'sandbox',
        'spellcheck', 'webSecurity', 'webviewTag',
      ].sort(),
    );
  });

  it('takes a remembered size and place, and keeps the minimum size', () => {
    const options = mainWindowOptions('x', { x: 5, y: 6, width: 900, height: 700 });
    expect(options).toMatchObject({ x: 5, y: 6, width: 900, height: 700, minWidth: 640, minHeight: 420 });
    expect(mainWindowOptions('x')).toMatchObject({ width: 1200, height: 800 });
    expect(mainWindowOptions('x')).not.toHaveProperty('x');
  });

  it('uses the preload it is given', () => {
    expect(prefs.preload).toBe('/opt/mua/out/preload/preload.cjs');
  });

  it('stays hidden until the page is ready', () => {
    expect(mainWindowOptions('x').show).toBe(false);
  });
});

describe('createMainWindow', () => {
  let window: FakeBrowserWindow;
  let contents: FakeWebContents;

  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
    fakeSession.headersListener = undefined;
    fakeSession.requestHandler = undefined;
    fakeSession.checkHandler = undefined;
    createMainWindow(paths);
    window = FakeBrowserWindow.created[0]!;
    contents = window.webContents;
  });

  it('builds the window from mainWindowOptions with the built preload, and loads the renderer from app://', () => {
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(window.options).toEqual(mainWindowOptions(resolve('/opt/mua/out/preload/preload.cjs')));
    expect(window.loadURL).toHaveBeenCalledWith('app://mua/index.html');
    expect(window.loadFile).not.toHaveBeenCalled();
  });

  it('shows the window once it is ready', () => {
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  describe('Content-Security-Policy header', () => {
    function receive(responseHeaders: Record<string, string[]>) {
      const callback = vi.fn();
      fakeSession.headersListener!({ responseHeaders }, callback);
      expect(callback).toHaveBeenCalledTimes(1);
      return callback.mock.calls[0]![0].responseHeaders as Record<string, string[]>;
    }

    it('adds the shared policy to every response', () => {
      expect(fakeSession.headersListener).toBeTypeOf('function');
      const headers = receive({ 'Content-Type': ['text/html'] });
      expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
      expect(headers['Content-Type']).toEqual(['text/html']);
      const policy = headers['Content-Security-Policy']![0]!;
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self'");
      // Nothing inline, nothing eval'd, nothing remote: a message's styles and images live in the
      // mail frame's own document and policy (shared/mail-frame.ts), not in the app's.
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect(policy).not.toMatch(/https?:/);
    });

    it('gives the mail frame document its own policy, chosen by its URL', () => {
      const headers = (url: string) => {
        const callback = vi.fn();
        fakeSession.headersListener!({ url, responseHeaders: { 'content-security-policy': ['default-src *'] } }, callback);
        return (callback.mock.calls[0]![0].responseHeaders as Record<string, string[]>)['Content-Security-Policy']![0]!;
      };
      expect(headers('app://mua/mail-frame.html?remote=0')).toBe(mailFrameContentSecurityPolicy(false));
      expect(headers('app://mua/mail-frame.html?remote=1')).toBe(mailFrameContentSecurityPolicy(true));
      expect(headers('app://mua/mail-frame.html?remote=1')).toContain("script-src 'none'");
      // Only our origin's frame: the same path elsewhere gets the app's policy.
      expect(headers('https://evil.example/mail-frame.html?remote=1')).toBe(CONTENT_SECURITY_POLICY);
      expect(headers('app://mua/index.html')).toBe(CONTENT_SECURITY_POLICY);
    });

    it('replaces a looser policy sent by the response, whatever its spelling', () => {
      const headers = receive({ 'content-security-policy': ["default-src *; script-src 'unsafe-inline'"] });
      expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'content-security-policy')).toEqual([
        'Content-Security-Policy',
      ]);
      expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    });
  });

  describe('navigation', () => {
    it.each([
      'https://evil.example/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      pathToFileURL(resolve('/opt/mua/out/renderer/other.html')).href,
      pathToFileURL(resolve('/opt/mua/out/renderer/index.html')).href,
      'app://mua/other.html',
      'app://evil/index.html',
      'javascript:alert(1)',
      'mailto:someone@example.org',
    ])('refuses to take the main frame to %s', (url) => {
      const event = navigationEvent(url);
      contents.emit('will-navigate', event);
      expect(event.preventDefault).toHaveBeenCalled();
    });

    it('lets the renderer page reload itself, with or without a fragment', () => {
      for (const url of [paths.rendererUrl, `${paths.rendererUrl}#/inbox`]) {
        const event = navigationEvent(url);
        contents.emit('will-navigate', event);
        expect(event.preventDefault).not.toHaveBeenCalled();
      }
    });

    it('refuses redirects of the main frame away from the renderer', () => {
      const event = navigationEvent('https://evil.example/');
      contents.emit('will-redirect', event);
      expect(event.preventDefault).toHaveBeenCalled();
    });

    it('keeps mail frames on srcdoc: a link inside one cannot load a page', () => {
      const away = navigationEvent('https://tracker.example/pixel', false);
      contents.emit('will-frame-navigate', away);
      expect(away.preventDefault).toHaveBeenCalled();
      const srcdoc = navigationEvent('about:srcdoc', false);
      contents.emit('will-frame-navigate', srcdoc);
      expect(srcdoc.preventDefault).not.toHaveBeenCalled();
    });

    it('denies every window.open', () => {
      expect(contents.windowOpenHandler).toBeTypeOf('function');
      for (const url of ['https://example.com/', paths.rendererUrl, 'about:blank']) {
        expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
      }
    });

    it('refuses to attach a <webview>', () => {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-attach-webview', event, {}, {});
      expect(event.preventDefault).toHaveBeenCalled();
    });
  });

  describe('permissions', () => {
    function request(permission: string, requestingUrl = paths.rendererUrl): boolean {
      const callback = vi.fn();
      fakeSession.requestHandler!(contents, permission, callback, { requestingUrl, isMainFrame: true });
      expect(callback).toHaveBeenCalledTimes(1);
      return callback.mock.calls[0]![0] as boolean;
    }

    it.each(['geolocation', 'media', 'clipboard-read', 'openExternal', 'midiSysex', 'unknown'])('denies %s', (permission) => {
      expect(request(permission)).toBe(false);
    });

    it('allows notifications for the renderer page', () => {
      expect(request('notifications')).toBe(true);
    });

    it('denies notifications to a mail frame or any other page', () => {
      expect(request('notifications', 'about:srcdoc')).toBe(false);
      expect(request('notifications', 'https://evil.example/')).toBe(false);
    });

    it('answers permission checks the same way', () => {
      const check = fakeSession.checkHandler!;
      expect(check(contents, 'notifications', 'app://mua', { requestingUrl: paths.rendererUrl })).toBe(true);
      expect(check(contents, 'geolocation', 'app://mua', { requestingUrl: paths.rendererUrl })).toBe(false);
      expect(check(contents, 'media', 'app://mua', { requestingUrl: paths.rendererUrl })).toBe(false);
      expect(check(contents, 'notifications', 'file://', { requestingUrl: 'file:///opt/mua/out/renderer/index.html' })).toBe(false);
      expect(check(null, 'notifications', 'null', {})).toBe(false);
    });
  });
});

describe('guardNavigation', () => {
  it('installs its listeners once per WebContents, however often it is called', async () => {
    const { guardNavigation } = await import('../../../main/electron/window.js');
    const { FakeWebContents } = await import('./fake-electron.js');
    const contents = new FakeWebContents();
    guardNavigation(contents as never, paths.rendererUrl);
    guardNavigation(contents as never, paths.rendererUrl);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-frame-navigate')).toBe(1);
  });
});
