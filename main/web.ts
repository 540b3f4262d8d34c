import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openSecretStore } from './accounts/open-secret-store.js';
import { openCheckedSettingsFile } from './accounts/settings-store.js';
import { defaultDataDir } from './app-paths.js';
import { startBridge } from './bridge/bridge-server.js';
import { createMailService } from './service.js';
import { openInSystemBrowser } from './system-browser.js';

/**
 * `npm run web`: the whole app from plain Node, served to a browser tab on 127.0.0.1 over the
 * loopback bridge. Used where Electron cannot start, and by the browser tests.
 */
const USAGE = `Usage: npm run web -- [--port N] [--data-dir DIR] [--no-open]
  --port N        listen on 127.0.0.1:N (default: a free port)
  --data-dir DIR  profile folder for settings and the local store (default: ${defaultDataDir()})
  --no-open       print the URL but do not open a browser`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-open': { type: 'boolean', default: false },
      'renderer-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535.`);

  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const here = dirname(fileURLToPath(import.meta.url));
  const staticRoot = resolve(values['renderer-dir'] ?? join(here, '..', 'renderer'));

  const { store, warning } = await openSecretStore();
  if (warning) console.log(warning);
  const settings = openCheckedSettingsFile(dataDir);
  if (settings.problem) console.log(settings.problem.message);
  const service = createMailService({
    settingsFile: settings.file,
    settingsProblem: settings.problem,
    secrets: store,
    outboxDir: join(dataDir, 'outbox'),
    storeDir: dataDir,
    storeWriterScript: new URL('./store-writer.js', import.meta.url),
    // "Sign in with browser" (OAuth) opens the provider's page in the system browser, as the desktop app does.
    openSignInPage: (url) => openInSystemBrowser(url),
    oauthProvidersFile: join(dataDir, 'oauth-providers.json'),
  });
  // Whatever was queued when the app last stopped (or crashed) goes out now.
  service.start();
  // While the browser loads the page, main readies what it will ask first.
  setImmediate(() => void service.prepareFirstScreen());
  const bridge = await startBridge({ dispatch: service.dispatch, bus: service.bus, staticRoot, port, parts: service.parts });

  console.log(`Profile folder: ${dataDir}`);
  console.log(`Mua Mail is running at ${bridge.url}`);
  if (!values['no-open']) openInBrowser(bridge.url);

  const stop = () => void Promise.allSettled([bridge.close(), service.stop()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function openInBrowser(url: string): void {
  openInSystemBrowser(url).catch(() => console.log('Open the URL above in your browser.'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  console.error(USAGE);
  process.exit(1);
});
