import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, safeStorage, screen, shell } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import { ELECTRON_EVENT_CHANNEL, type EventPayload } from '../../shared/contract.js';
import type { Account } from '../../shared/schemas.js';
import { openSecretStore } from '../accounts/open-secret-store.js';
import { checkSettingsFile } from '../accounts/settings-file-check.js';
import { SETTINGS_DEFAULTS, SETTINGS_FILE } from '../accounts/settings-store.js';
import { log } from '../log.js';
import { createMailService, type MailService } from '../service.js';
import { registerAppScheme, serveAppScheme } from './app-protocol.js';
import { electronAttachmentShell } from './attachment-shell.js';
import { ComposeRequests } from './compose-requests.js';
import { describeError, installCrashLogging, logProcessGone } from './crash-log.js';
import { registerIpc, trustedSenderCheck } from './ipc.js';
import { externalUrl } from './links.js';
import { findMailtoArgument, isMailtoUrl } from './mailto.js';
import { applicationMenuTemplate } from './menu.js';
import { newMailNotification } from '../../shared/new-mail-notification.js';
import { builtPaths } from './paths.js';
import { safeStorageFallback } from './safe-storage.js';
import { totalUnread, UnreadBadge } from './unread-badge.js';
import { createMainWindow, guardNavigation } from './window.js';
import { loadWindowState, saveWindowState, WINDOW_STATE_FILE } from './window-state.js';

/**
 * The desktop entry (built to out/main/electron.js). It only wires Electron to the mail service
 * that main/web.ts also uses, and to the plain modules beside it that hold the logic: settings and
 * secrets in, IPC and events out, one hardened window on app://mua/, and the desktop's own
 * pieces (mailto: links, notifications, the badge, the menu, the remembered window place).
 */
installCrashLogging();

const paths = builtPaths(import.meta.url);
let mainWindow: BrowserWindow | null = null;
let service: MailService | undefined;

/** mailto: links wait here until the renderer listens, then go to it as compose.requested. */
const composeRequests = new ComposeRequests((request) => service?.bus.emit('compose.requested', request));

// Every renderer runs sandboxed, including any window created by code other than window.ts.
app.enableSandbox();
// Before ready, as Electron requires: app:// gets a standard, secure origin.
registerAppScheme(protocol);

// A second launch (say, from a mailto: link) hands its link to the running app and quits, instead
// of opening the same profile twice, which the settings file and the keychain are not written for.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    const link = findMailtoArgument(argv);
    if (link) composeRequests.open(link);
    if (mainWindow) focus(mainWindow);
    else if (app.isReady()) openWindow();
  });

  // macOS hands mailto: links to the running app (or the starting one, before ready) this way.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (isMailtoUrl(url)) composeRequests.open(url);
    if (mainWindow) focus(mainWindow);
  });

  // Windows and Linux start the app with the link as an argument.
  const startLink = findMailtoArgument(process.argv.slice(1));
  if (startLink) composeRequests.open(startLink);

  // Applies the navigation rules to every WebContents the app ever creates, not only ours.
  app.on('web-contents-created', (_event, contents) => guardNavigation(contents, paths.rendererUrl));

  app.on('render-process-gone', (_event, contents, details) => {
    logProcessGone('renderer', details);
    if (mainWindow && !mainWindow.isDestroyed() && contents === mainWindow.webContents) composeRequests.rendererGone();
  });
  app.on('child-process-gone', (_event, details) => logProcessGone('child', details));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  // Inline images of open messages come from the mail service, made below.
  serveAppScheme(protocol, paths.rendererDir, () => service?.parts);
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({ platform: process.platform, isPackaged: app.isPackaged })));

  const profileDir = app.getPath('userData');
  // The same file and format as web mode's Conf (settings.json in the profile folder, which is
  // userData for "Mua Mail"), so both modes share one profile. Checked first: a corrupt file is
  // put aside and reported (app.status), an older one migrated.
  const { problem: settingsProblem } = checkSettingsFile(profileDir, SETTINGS_FILE);
  const settingsFile = new Store<{ version: number; accounts: unknown[] }>({
    name: SETTINGS_FILE,
    defaults: SETTINGS_DEFAULTS,
  });
  // The keychain; without one an encrypted file (safeStorage), else memory. The renderer shows
  // which (app.status). safeStorage is read lazily: it answers only after 'ready'.
  const { store: secrets } = await openSecretStore({ fallback: () => safeStorageFallback(safeStorage, profileDir)() });

  const mail = createMailService({
    settingsFile,
    secrets,
    settingsProblem,
    outboxDir: join(profileDir, 'outbox'),
    storeDir: profileDir,
    storeWriterScript: new URL('./store-writer.js', import.meta.url),
    openExternal,
    // Client IDs for browser sign-in (OAuth); MAIL_OAUTH_PROVIDERS names another file.
    oauthProvidersFile: join(profileDir, 'oauth-providers.json'),
    takeComposeRequests: () => composeRequests.take(),
    attachmentShell: electronAttachmentShell({ dialog, shell, downloadsDir: () => app.getPath('downloads'), window: () => mainWindow }),
    // This shell shows the new-mail notifications (below): the page must not show its own too.
    shell: 'electron',
  });
  service = mail;
  // Whatever was queued when the app last stopped (or crashed) goes out now.
  mail.start();
  // While the window loads (its own process, created below), main readies what it will ask first.
  setImmediate(() => void mail.prepareFirstScreen());
  app.on('before-quit', () => void mail.stop());
  registerIpc(ipcMain, mail.dispatch, trustedSenderCheck(() => mainWindow, paths.rendererUrl));

  // The accounts, for the badge and the notifications' text; kept current by accounts.changed.
  let accounts: Account[] = await mail.handlers['accounts.list']({});
  const badge = new UnreadBadge(
    () => totalUnread(mail.store, accounts.map((a) => a.id)),
    (count) => app.setBadgeCount(count),
  );

  // Events go to our window only; payloads were checked against the contract by the bus.
  mail.bus.subscribe((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      mainWindow.webContents.send(ELECTRON_EVENT_CHANNEL, { event, payload });
    }
    if (event === 'accounts.changed') accounts = (payload as EventPayload<'accounts.changed'>).accounts;
    badge.onEvent(event);
    if (event === 'mail.arrived') notifyNewMail(payload as EventPayload<'mail.arrived'>, accounts);
  });
  badge.schedule();

  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  log.info('desktop app started', { secrets: mail.secretsKind });
}

function openWindow(): void {
  const stateFile = join(app.getPath('userData'), WINDOW_STATE_FILE);
  const remembered = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = createMainWindow(paths, remembered);
  mainWindow = window;
  // A new page listens anew: mailto: links wait until it asks for them (compose.takeRequested).
  composeRequests.rendererGone();
  window.webContents.on('did-navigate', () => composeRequests.rendererGone());
  window.on('close', () => {
    saveWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() });
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
}

/** The shell's side of links.open: checked once more, then handed to the system. */
async function openExternal(url: string): Promise<void> {
  const checked = externalUrl(url);
  // Electronegativity flags every openExternal with a non-literal URL. This one can only be an
  // absolute http, https or mailto URL without credentials (externalUrl above, tested in
  // test/main/electron/links.test.ts), asked for by our own frame (ipc.ts) after the person
  // confirmed it.
  await shell.openExternal(checked); // eng-disable OPEN_EXTERNAL_JS_CHECK
}

/** A count and the account, while the window is not in front; a click brings it forward. */
function notifyNewMail(arrival: EventPayload<'mail.arrived'>, accounts: readonly Account[]): void {
  if (!Notification.isSupported()) return;
  if (mainWindow && !mainWindow.isDestroyed() && mainWindow.isFocused()) return;
  const account = accounts.find((a) => a.id === arrival.accountId);
  const text = newMailNotification(arrival, account?.email);
  if (!text) return;
  try {
    const notification = new Notification({ title: text.title, body: text.body });
    notification.on('click', () => {
      if (mainWindow) focus(mainWindow);
      else openWindow();
    });
    notification.show();
  } catch (error) {
    log.warn('new mail notification not shown', describeError(error));
  }
}

function focus(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function fail(error: unknown): void {
  log.error('the desktop app could not start', describeError(error));
  app.exit(1);
}
