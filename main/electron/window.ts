import { BrowserWindow, session, type BrowserWindowConstructorOptions, type WebContents } from 'electron';
import { log } from '../log.js';
import { isRendererUrl, type BuiltPaths } from './paths.js';
import type { WindowBounds } from './window-state.js';
import { applyContentSecurityPolicy, restrictPermissions } from './session-policy.js';

/**
 * The window's options, as a pure function so a test can check every security switch.
 * The renderer is treated like a web page that may one day run hostile script (a message that
 * slipped past sanitising): it gets no Node, a sandboxed process, an isolated preload world and
 * the browser's usual same-origin rules. Options that default to safe values are still written
 * out, so that a changed default upstream cannot quietly change them.
 */
export function mainWindowOptions(preloadPath: string, bounds?: WindowBounds): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    // The size and place remembered from last time (window-state.ts checked it is on a screen).
    ...(bounds && { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height }),
    minWidth: 640,
    minHeight: 420,
    title: 'Mua Mail',
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: undefined,
      // Middle-click (auxclick) on a link would ask for a new window; the open handler denies it
      // anyway, and without the event the page never sees such clicks at all.
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      // Electron's spellchecker fetches dictionaries from Google's CDN on Linux and Windows, a
      // request the user did not ask for; off until a local dictionary is configured.
      spellcheck: false,
      // A file dropped on the window must not replace the app with that file.
      navigateOnDragDrop: false,
    },
  };
}

const guarded = new WeakSet<WebContents>();

/** Mail frames are written with srcdoc; a frame may be (re)set to those and nothing else. */
const ALLOWED_SUBFRAME_URLS: ReadonlySet<string> = new Set(['about:srcdoc', 'about:blank']);

/**
 * Keeps the window on our one page. A link or script in the page cannot take the window
 * elsewhere, cannot open new windows (links reach the system browser only through the
 * links.open request, after the person confirmed them), and cannot attach a <webview>. main.ts applies this to every WebContents the
 * app ever creates, not only the main window's.
 */
export function guardNavigation(contents: WebContents, rendererUrl: string): void {
  // The main window's contents reach here twice (web-contents-created, then createMainWindow).
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.on('will-navigate', (event) => {
    if (isRendererUrl(event.url, rendererUrl)) return;
    event.preventDefault();
    log.warn('navigation refused', { scheme: schemeOf(event.url) });
  });
  contents.on('will-redirect', (event) => {
    if (event.isMainFrame && !isRendererUrl(event.url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || ALLOWED_SUBFRAME_URLS.has(event.url)) return;
    event.preventDefault();
    log.warn('frame navigation refused', { scheme: schemeOf(event.url) });
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Creates the main window on the renderer page, app://mua/index.html (app-protocol.ts serves it,
 * with the CSP as a response header). The session rules are (re)applied here so that no window
 * can exist before them; setting them again for a second window just replaces the same handlers.
 */
export function createMainWindow(paths: BuiltPaths, bounds?: WindowBounds & { maximized?: boolean }): BrowserWindow {
  applyContentSecurityPolicy(session.defaultSession);
  restrictPermissions(session.defaultSession, paths.rendererUrl);

  // Electronegativity reads only an object literal passed to `new BrowserWindow`, so it reports
  // contextIsolation, sandbox and auxclick as unset here. They are set in mainWindowOptions above
  // (contextIsolation: true, sandbox: true, disableBlinkFeatures: 'Auxclick', and every window
  // open is denied by guardNavigation), and test/main/electron/window.test.ts asserts each one.
  const window = new BrowserWindow(mainWindowOptions(paths.preload, bounds)); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
  guardNavigation(window.webContents, paths.rendererUrl);
  window.once('ready-to-show', () => {
    if (bounds?.maximized) window.maximize();
    window.show();
  });
  window.loadURL(paths.rendererUrl).catch((error: unknown) => {
    log.error('the renderer page could not be loaded', { type: (error as Error)?.name });
  });
  return window;
}

/** Only the scheme is logged: a URL can carry an address or a token. */
function schemeOf(url: string): string {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon) : 'invalid';
}
