import { BrowserWindow, session, type BrowserWindowConstructorOptions, type WebContents } from 'electron';
import { log } from '../log.js';
import { isRendererUrl, type BuiltPaths } from './paths.js';
import { applyContentSecurityPolicy, restrictPermissions } from './session-policy.js';

/**
 * The window's options, as a pure function so a test can check every security switch.
 * The renderer is treated like a web page that may one day run hostile script (a message that
 * slipped past sanitising): it gets no Node, a sandboxed process, an isolated preload world and
 * the browser's usual same-origin rules. Options that default to safe values are still written
 * out, so that a changed default upstream cannot quietly change them.
 */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
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
 * elsewhere, cannot open new windows (a later change may hand http(s) links to the system
 * browser instead), and cannot attach a <webview>. main.ts applies this to every WebContents the
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
 * Creates the main window on the renderer page. The session rules are (re)applied here so that no
 * window can exist before them; setting them again for a second window just replaces the same
 * handlers.
 *
 * The page is loaded with loadFile for now; a later change serves it from an app:// protocol,
 * which lets the CSP header above apply and drops file:'s extra privileges.
 */
export function createMainWindow(paths: BuiltPaths): BrowserWindow {
  applyContentSecurityPolicy(session.defaultSession);
  restrictPermissions(session.defaultSession, paths.rendererUrl);

  const window = new BrowserWindow(mainWindowOptions(paths.preload));
  guardNavigation(window.webContents, paths.rendererUrl);
  window.once('ready-to-show', () => window.show());
  window.loadFile(paths.rendererIndex).catch((error: unknown) => {
    log.error('the renderer page could not be loaded', { type: (error as Error)?.name });
  });
  return window;
}

/** Only the scheme is logged: a URL can carry an address or a token. */
function schemeOf(url: string): string {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon) : 'invalid';
}
