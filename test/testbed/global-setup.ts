import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Testbed } from '../support/testbed.js';

const SCRIPT = join(import.meta.dirname, 'testbed.sh');

function run(command: string): string {
  return execFileSync('bash', [SCRIPT, command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
}

/**
 * Brings the real mail servers up once for the whole run and hands their facts to every test.
 * Tests trust the test bed's CA through NODE_EXTRA_CA_CERTS, which the workers inherit; nothing
 * turns certificate verification off.
 */
export default function setup(project: TestProject) {
  // Left running afterwards (`npm run testbed -- down` stops it): several runs may share it,
  // and one run's teardown must not pull the servers from under another.
  run('up');
  // Every run starts from empty mailboxes, so no test sees another run's mail.
  run('reset');
  const stateDir = process.env.MUA_TESTBED_DIR ?? '/tmp/mua-testbed';
  const testbed = JSON.parse(readFileSync(join(stateDir, 'testbed.json'), 'utf8')) as Testbed;
  process.env.NODE_EXTRA_CA_CERTS = testbed.caFile;
  project.provide('testbed', testbed);
}
