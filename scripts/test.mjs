#!/usr/bin/env node
// `npm test`: lint, type-check, build, then the whole suite against real mail servers, in a
// private D-Bus session with its own Secret Service so keytar meets a real keychain and the
// developer's own keychain is never touched. Ends with the line CI reads: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const artifacts = join(root, 'test', 'artifacts');
const extraArgs = process.argv.slice(2);

if (!process.env.MUA_TEST_SESSION) process.exit(reexecInKeyringSession());

mkdirSync(artifacts, { recursive: true });
const failures = [];
const step = (name, command, args, env = {}) => {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`[test] ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) failures.push(name);
};

const bin = (name) => join(root, 'node_modules', '.bin', name);
step('lint', bin('eslint'), ['.']);
step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
step('build', bin('electron-vite'), ['build']);
// Electron security scan of main/ (installs itself into tools/electronegativity/ when missing).
step('electronegativity', process.execPath, [join(root, 'scripts', 'electronegativity.mjs')]);

const resultsFile = join(artifacts, 'vitest-results.json');
rmSync(resultsFile, { force: true });
// The tests' temporary folders (profiles, stores, outboxes, browser profiles) all go under one
// folder of this run's, removed afterwards: a run leaves nothing behind in /tmp.
const runTmp = mkdtempSync(join(tmpdir(), 'mua-test-run-'));
step('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...extraArgs], { TMPDIR: runTmp });
rmSync(runTmp, { recursive: true, force: true });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  skipped = results.numPendingTests + results.numTodoTests;
  // A file that failed to load has no test results of its own; count it, or it would vanish.
  failed += results.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} else {
  failed += 1;
}
// Lint, type and build failures count as failures too: the suite is not green with them.
failed += failures.filter((f) => f !== 'vitest').length;
console.log(`[test] failed steps: ${failures.length ? failures.join(', ') : 'none'}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && failures.length === 0 ? 0 : 1);

function reexecInKeyringSession() {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      console.error(`[test] ${tool} is missing. Install the system packages first: sudo bash scripts/install-system-deps.sh`);
      console.log('tests: 0 passed, 1 failed');
      return 1;
    }
  }
  // A throwaway keyring folder: the daemon must not open (or need the password of) a real one.
  const keyringHome = mkdtempSync(join(tmpdir(), 'mua-test-keyring-'));
  const inner = [
    'echo -n mua-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
    'exec node "$0" "$@"',
  ].join('; ');
  const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner, join(root, 'scripts', 'test.mjs'), ...extraArgs], {
    stdio: 'inherit',
    env: { ...process.env, MUA_TEST_SESSION: '1', XDG_DATA_HOME: keyringHome },
  });
  rmSync(keyringHome, { recursive: true, force: true });
  return result.status ?? 1;
}
