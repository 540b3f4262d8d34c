#!/usr/bin/env node
// `npm start`: build with electron-vite, then open the desktop app. Where Electron cannot start
// (its binary was never downloaded, or there is no display) it says why in one line and starts the
// web version (`node out/main/web.js`) with the same arguments instead.
//
// It never downloads anything. That is why it does not go through the electron package's
// index.js or cli.js: both fetch the binary when it is missing. It reads path.txt and dist/ the
// way that package does and runs the binary itself.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * Why Electron cannot start here, or null when it can. Pure apart from the injected file access,
 * so the reasons can be checked without an Electron install.
 */
export function electronUnavailableReason({
  electronDir,
  platform = process.platform,
  env = process.env,
  exists = existsSync,
  read = (file) => readFileSync(file, 'utf8'),
}) {
  const binary = electronBinaryPath({ electronDir, env, exists, read });
  if (!binary || !exists(binary)) return 'its binary is not installed';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'there is no display: neither DISPLAY nor WAYLAND_DISPLAY is set';
  }
  return null;
}

/** The binary the electron package would run, without its download fallback; null if unknown. */
export function electronBinaryPath({ electronDir, env = process.env, exists = existsSync, read }) {
  if (!electronDir) return null;
  const pathFile = join(electronDir, 'path.txt');
  const relative = exists(pathFile) ? read(pathFile).trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  return relative ? join(electronDir, 'dist', relative) : null;
}

function findElectronDir() {
  try {
    // Resolving package.json only locates the package; it does not run its download code.
    return dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return null;
  }
}

function build() {
  const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Runs a child with our terminal, passes Ctrl-C and SIGTERM on, and exits with its status. */
function run(command, args, env, onSpawnError) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.once('error', (error) => {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    onSpawnError(error);
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startWeb(args) {
  run(process.execPath, [join(root, 'out', 'main', 'web.js'), ...args], process.env, (error) => {
    console.error(`The web version could not start: ${error.message}`);
    process.exit(1);
  });
}

function main() {
  const args = process.argv.slice(2);
  const status = build();
  if (status !== 0) process.exit(status);

  const electronDir = findElectronDir();
  const reason = electronDir ? electronUnavailableReason({ electronDir }) : 'the electron package is not installed';
  if (reason) {
    console.log(`Electron cannot start here (${reason}); starting the web version instead.`);
    startWeb(args);
    return;
  }

  // ELECTRON_RUN_AS_NODE would turn the app into a bare Node process; the app is never that.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const binary = electronBinaryPath({ electronDir, env, read: (file) => readFileSync(file, 'utf8') });
  run(binary, ['.', ...args], env, (error) => {
    console.log(`Electron cannot start here (${error.message}); starting the web version instead.`);
    startWeb(args);
  });
}

// Runs only as a script; a test may import the functions above without starting anything.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) main();
