#!/usr/bin/env node
// Electronegativity (Doyensec's Electron security scanner) over main/, as a step of `npm test`.
// It lives in tools/electronegativity/ with its own package.json and lock (its own TypeScript
// would clash with ours) and is installed there with `npm ci` when missing, so a fresh CI machine
// gets it too. It is told the Electron version (our pin in package.json) so it does not guess.
// Every HIGH or MEDIUM finding fails the step, unless the line it points at carries an
// `eng-disable CHECK_NAME` comment, with the reason written next to it, which the scanner honours.
// The scanner asks the network once for Electron's release list and then works offline; the
// install and the scan each run under a timeout, so neither can hang the test run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const toolDir = join(root, 'tools', 'electronegativity');
const installed = join(toolDir, 'node_modules', '@doyensec', 'electronegativity', 'package.json');
// Our wrapper around its programmatic API (see the comment in it).
const scanner = join(toolDir, 'scan.cjs');
const INSTALL_TIMEOUT_MS = 5 * 60_000;
const SCAN_TIMEOUT_MS = 3 * 60_000;
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['main'];

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const electronVersion = String(pkg.devDependencies?.electron ?? '').replace(/^[^\d]*/, '');
if (!/^\d+\.\d+\.\d+$/.test(electronVersion)) fail(`package.json pins no exact Electron version (found "${electronVersion}")`);

if (!existsSync(installed)) {
  console.log('[electronegativity] installing into tools/electronegativity (npm ci)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--prefix', toolDir, '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: root,
    stdio: 'inherit',
    timeout: INSTALL_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (install.status !== 0 || !existsSync(installed)) fail(`npm ci failed${install.error ? ` (${install.error.message})` : ''}`);
}

let failed = 0;
for (const target of targets) failed += scan(target);
console.log(`[electronegativity] ${failed === 0 ? 'ok' : `${failed} unexplained high or medium finding(s)`}`);
process.exit(failed === 0 ? 0 : 1);

/** Scans one folder; returns how many HIGH or MEDIUM findings (or unreadable files) it left unexplained. */
function scan(target) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [scanner, join(root, target), electronVersion], {
    cwd: root,
    encoding: 'utf8',
    timeout: SCAN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const marker = (run.stdout ?? '').lastIndexOf('@@RESULT@@');
  if (run.error || run.status !== 0 || marker < 0) {
    console.log(run.stdout ?? '', run.stderr ?? '');
    fail(`scan of ${target} did not finish (${run.error?.message ?? `exit ${run.status}`}) after ${seconds} s`);
  }
  const { checks, unscanned, issues } = JSON.parse(run.stdout.slice(marker + '@@RESULT@@'.length));
  const counts = { HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0 };
  for (const f of issues) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  console.log(
    `[electronegativity] ${target}/ with Electron ${electronVersion}, ${checks} checks: ${issues.length} finding(s) ` +
      `(high ${counts.HIGH}, medium ${counts.MEDIUM}, low ${counts.LOW}, informational ${counts.INFORMATIONAL}) in ${seconds} s`,
  );
  let serious = 0;
  for (const f of issues) {
    const bad = f.severity === 'HIGH' || f.severity === 'MEDIUM';
    if (bad) serious++;
    console.log(`  ${bad ? 'FAIL' : 'note'} ${f.severity} ${f.check} ${target}/${f.file}:${f.location} ${f.description}`);
  }
  for (const u of unscanned) {
    serious++;
    console.log(`  FAIL could not scan ${u.file}: ${u.message}`);
  }
  return serious;
}

function fail(message) {
  console.error(`[electronegativity] ${message}`);
  process.exit(1);
}
