import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STORE_FILE_NAME } from '../../../main/store/open-store.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'batch-writer.ts');
const BATCH_SIZE = 200;
const ROUNDS = 6;

/** Starts the writer, lets it commit `minimum` batches plus a random moment more, then kill -9. */
async function runAndKill(dir: string, minimum: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, STORE_DIR: dir, BATCH_SIZE: String(BATCH_SIZE) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let lastCommitted = -1;
  let commits = 0;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d) => (output += d));
    child.stdout!.on('data', (d: Buffer) => {
      for (const match of d.toString().matchAll(/COMMITTED (\d+)/gu)) {
        lastCommitted = Number(match[1]);
        if (++commits === minimum) {
          // A random moment inside the next batches: sometimes mid-transaction, sometimes between.
          setTimeout(resolve, Math.random() * 40);
        }
      }
    });
    void exited.then(() => reject(new Error(`the writer exited by itself:\n${output}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return lastCommitted;
}

describe('the store under kill -9', () => {
  it('is never corrupt and never holds half a batch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mua-crash-'));
    let reported = -1;
    for (let round = 0; round < ROUNDS; round++) {
      reported = Math.max(reported, await runAndKill(dir, 3 + round));

      const db = new Database(join(dir, STORE_FILE_NAME));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        // The search index's own consistency check (throws if its structure is damaged).
        db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");

        const batches = db
          .prepare(`SELECT (uid - 1) / ${BATCH_SIZE} AS batch, count(*) AS n, sum(seen) AS seen FROM messages GROUP BY batch ORDER BY batch`)
          .all() as { batch: number; n: number; seen: number }[];
        // Every batch the writer saw committed is there, whole; a batch committed after the
        // last line it printed may be there too, also whole; nothing else.
        expect(batches.length).toBeGreaterThanOrEqual(reported + 1);
        batches.forEach((b, i) => {
          expect(b.batch).toBe(i);
          expect(b.n).toBe(BATCH_SIZE);
          // The read-marking transaction is all or nothing too.
          expect([0, BATCH_SIZE]).toContain(b.seen);
        });
        // The index holds exactly the stored messages, batch by batch.
        const inIndex = db.prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?").pluck();
        for (const b of batches) expect(inIndex.get(`subject : "batch${b.batch}"`)).toBe(BATCH_SIZE);
        expect(db.prepare('SELECT count(*) FROM messages_fts').pluck().get()).toBe(batches.length * BATCH_SIZE);
      } finally {
        db.close();
      }
    }
  }, 120_000);
});
