import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../../shared/outbox.js';
import { startFakeSmtp, type FakeSmtp } from '../../support/fake-smtp.js';
import { testAccount } from '../../support/test-account.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'outbox-process.ts');

let fake: FakeSmtp | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

type Run = { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> };

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exited };
}

function finalItems(output: string): OutboxItem[] {
  const line = output.split('\n').find((l) => l.startsWith('DONE '));
  if (!line) throw new Error(`the process did not finish:\n${output}`);
  return JSON.parse(line.slice(5)) as OutboxItem[];
}

type KillPoint =
  | { where: 'process'; at: 'before-attempt' | 'before-connect' | 'after-accepted-record' }
  | { where: 'server'; at: 'after MAIL FROM' | 'after DATA, before the reply' };

const KILL_POINTS: KillPoint[] = [
  { where: 'process', at: 'before-attempt' },
  { where: 'process', at: 'before-connect' },
  { where: 'server', at: 'after MAIL FROM' },
  { where: 'server', at: 'after DATA, before the reply' },
  { where: 'process', at: 'after-accepted-record' },
];

/**
 * kill -9 at each point of a send, then start again: every message must reach the server
 * exactly once. The one window this cannot cover, between the server's final 250 and our
 * one-line journal write, is named in main/outbox/outbox.ts.
 */
describe('a crash at any point of a send', () => {
  for (const point of KILL_POINTS) {
    it(`loses nothing and sends exactly once when killed ${point.where === 'server' ? 'by the test ' : ''}${point.at}`, async () => {
      const victims: ChildProcess[] = [];
      const killNow = async () => {
        const victim = victims[0];
        if (!victim || victim.exitCode !== null || victim.signalCode !== null) return false;
        const gone = new Promise((r) => victim.once('exit', r));
        victim.kill('SIGKILL');
        await gone;
        return true;
      };
      let killedOnce = false;
      fake = await startFakeSmtp({
        onMailFrom: async () => {
          if (point.where === 'server' && point.at === 'after MAIL FROM' && !killedOnce) killedOnce = await killNow();
        },
        onData: async () => {
          if (point.where === 'server' && point.at === 'after DATA, before the reply' && !killedOnce) {
            killedOnce = await killNow();
            // The client is gone: nothing was accepted, so nothing counts as delivered.
            return 'drop';
          }
          return undefined;
        },
      });
      const account = testAccount({ id: 'acc_crashtest', smtp: { host: '127.0.0.1', port: fake.port, security: 'tls' } });
      const dir = mkdtempSync(join(tmpdir(), 'mua-crash-'));
      const subject = `Crash ${point.at}`;

      const first = run({
        OUTBOX_DIR: dir,
        ACCOUNT: JSON.stringify(account),
        QUEUE_SUBJECT: subject,
        ...(point.where === 'process' ? { CRASH_AT: point.at } : {}),
      });
      victims.push(first.child);
      const firstExit = await first.exited;
      expect(firstExit.signal, firstExit.output).toBe('SIGKILL');

      const second = run({ OUTBOX_DIR: dir, ACCOUNT: JSON.stringify(account) });
      const secondExit = await second.exited;
      expect(secondExit.code, secondExit.output).toBe(0);

      // The first run announced the message as queued; the second ends with nothing unsent (a
      // message the first run already saw accepted is finished and dropped at start).
      const queued = firstExit.output.match(/"messageId":"(<[^"]+>)"/)?.[1];
      expect(queued, firstExit.output).toBeDefined();
      const items = finalItems(secondExit.output);
      expect(items.filter((i) => i.state !== 'sent')).toEqual([]);
      expect(fake.delivered.filter((d) => d.messageId === queued)).toHaveLength(1);
      expect(fake.delivered).toHaveLength(1);
      expect(fake.delivered[0]!.raw.toString('latin1')).toContain(`Subject: ${subject}`);
    });
  }
});
