import { parentPort, workerData } from 'node:worker_threads';
import { MessageStore } from './message-store.js';
import { applyStep, type WorkerReply, type WorkerRequest } from './store-writer.js';
import { ThreadIndex } from './threading.js';

/**
 * The store writer's thread (see WorkerStoreWriter): applies sync steps in the order they come.
 * Conversations are worked out once the syncs have gone quiet, a chunk at a time: during a first
 * sync this thread shares two cores with the parser and the server, and threading as it goes
 * slowed the sync by a third; afterwards it catches up in a few seconds (100,000 messages).
 */
const { storeDir } = workerData as { storeDir: string };
const store = MessageStore.open(storeDir);
const threads = new ThreadIndex(store.db);

/** Quiet this long (no sync step arriving) before threading: a sync sends one every ~0.2 s. */
const IDLE_MS = 1_000;
const CHUNK = 500;
let threading: NodeJS.Timeout | undefined;
function threadWhenIdle(): void {
  clearTimeout(threading);
  threading = setTimeout(function threadSome() {
    if (threads.backfill(CHUNK) > 0) threading = setTimeout(threadSome, 0);
  }, IDLE_MS);
}

parentPort!.on('message', ({ id, folderId, batch }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    applyStep(store, threads, folderId, batch, { threadNow: false });
    reply = { id, ok: true };
    if (batch.upsert?.length) threadWhenIdle();
  } catch (error) {
    reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
