import { parentPort, workerData } from 'node:worker_threads';
import { MessageStore } from './message-store.js';
import { applyStep, indexAllPending, type WorkerNotice, type WorkerReply, type WorkerRequest } from './store-writer.js';
import { ThreadIndex } from './threading.js';

/**
 * The store writer's thread (see WorkerStoreWriter): applies sync steps in the order they come.
 * The search entries of a first sync's history and the conversations are worked out once the
 * syncs have gone quiet, a chunk at a time: during a first sync this thread shares two cores with
 * the parser and the server, and threading as it went slowed the sync by a third; afterwards it
 * catches up in a few seconds (100,000 messages). A search has it catch up on the index first.
 */
const { storeDir } = workerData as { storeDir: string };
const store = MessageStore.open(storeDir);
const threads = new ThreadIndex(store.db);

/** Quiet this long (no sync step arriving) before catching up: a sync sends one every ~0.2 s. */
const IDLE_MS = 1_000;
const THREAD_CHUNK = 500;
const INDEX_CHUNK = 2_000;
let idleWork: NodeJS.Timeout | undefined;
/** Folders whose messages got their conversations in this quiet spell: said once it is over. */
const threadedFolders = new Set<number>();
/**
 * Once the syncs have gone quiet: the search entries left for later, then conversations, a chunk
 * at a time so a step that arrives meanwhile waits for one chunk at most. When all is done, main
 * hears which folders' conversations changed (a list drawn before shows them apart until then).
 */
function workWhenIdle(): void {
  clearTimeout(idleWork);
  idleWork = setTimeout(function someMore() {
    if (store.indexPending(INDEX_CHUNK) > 0 || threads.backfill(THREAD_CHUNK, threadedFolders) > 0) {
      idleWork = setTimeout(someMore, 0);
      return;
    }
    if (threadedFolders.size === 0) return;
    parentPort!.postMessage({ threaded: [...threadedFolders] } satisfies WorkerNotice);
    threadedFolders.clear();
  }, IDLE_MS);
}

parentPort!.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if ('catchUpIndex' in request) indexAllPending(store);
    else {
      applyStep(store, threads, request.folderId, request.batch, { threadNow: false });
      if (request.batch.upsert?.length) workWhenIdle();
    }
    reply = { id: request.id, ok: true };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
