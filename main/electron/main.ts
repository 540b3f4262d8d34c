import { app, BrowserWindow, ipcMain } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import { ELECTRON_EVENT_CHANNEL } from '../../shared/contract.js';
import { openSecretStore } from '../accounts/open-secret-store.js';
import { SETTINGS_FILE } from '../accounts/settings-store.js';
import { log } from '../log.js';
import { createMailService } from '../service.js';
import { registerIpc, trustedSenderCheck } from './ipc.js';
import { builtPaths } from './paths.js';
import { createMainWindow, guardNavigation } from './window.js';

/**
 * The desktop entry (built to out/main/electron.js). It only wires Electron to the mail service
 * that main/web.ts also uses: settings and secrets in, IPC and events out, one hardened window.
 */
const paths = builtPaths(import.meta.url);
let mainWindow: BrowserWindow | null = null;

// Every renderer runs sandboxed, including any window created by code other than window.ts.
app.enableSandbox();

// A second launch (say, from a mailto: link) focuses the running app instead of opening the same
// profile twice, which the settings file and the keychain are not written for.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => focus(mainWindow));

  // Applies the navigation rules to every WebContents the app ever creates, not only ours.
  app.on('web-contents-created', (_event, contents) => guardNavigation(contents, paths.rendererUrl));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  // The same file and format as web mode's Conf (settings.json in the profile folder, which is
  // userData for "Mua Mail"), so both modes share one profile.
  const settingsFile = new Store<{ version: number; accounts: unknown[] }>({
    name: SETTINGS_FILE,
    defaults: { version: 1, accounts: [] },
  });
  // Without a keychain this falls back to memory and logs so; the renderer has no channel yet
  // to tell the user (web mode prints it to the terminal).
  const { store: secrets } = await openSecretStore();

  const profileDir = app.getPath('userData');
  const service = createMailService({
    settingsFile,
    secrets,
    outboxDir: join(profileDir, 'outbox'),
    storeDir: profileDir,
    storeWriterScript: new URL('./store-writer.js', import.meta.url),
  });
  // Whatever was queued when the app last stopped (or crashed) goes out now.
  service.start();
  app.on('before-quit', () => void service.stop());
  registerIpc(ipcMain, service.dispatch, trustedSenderCheck(() => mainWindow, paths.rendererUrl));

  // Events go to our window only; payloads were checked against the contract by the bus.
  service.bus.subscribe((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      mainWindow.webContents.send(ELECTRON_EVENT_CHANNEL, { event, payload });
    }
  });

  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  log.info('desktop app started', { secrets: service.secretsKind });
}

function openWindow(): void {
  const window = createMainWindow(paths);
  mainWindow = window;
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
}

function focus(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.focus();
}

function fail(error: unknown): void {
  log.error('the desktop app could not start', { type: (error as Error)?.name });
  app.exit(1);
}
