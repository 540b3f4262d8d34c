import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MessageStore, SyncBatch } from './message-store.js';
import type { ThreadIndex } from './threading.js';

/**
 * Where a sync's writes go. The sync awaits each step's promise before it relies on the step
 * (reads the state back, reports progress), so a step is durable before anything builds on it.
 */
export interface StoreWriter {
  apply(folderId: number, batch: SyncBatch): Promise<void>;
  /** Writes every search entry left for later (SyncBatch.indexLater): a search awaits it first. */
  catchUpIndex(): Promise<void>;
  /**
   * Calls `listener` with the folders whose messages got their conversations after their steps
   * were applied (a writer that threads later, when quiet). A writer that threads each step at
   * once has nothing to say.
   */
  onThreaded(listener: (folderIds: number[]) => void): void;
  close(): Promise<void>;
}

/** Search entries written per transaction when catching up. */
const INDEX_CHUNK = 2_000;

/** Writes every pending search entry, a chunk per transaction. */
export function indexAllPending(store: MessageStore): void {
  while (store.indexPending(INDEX_CHUNK) > 0);
}

/** One sync step: the rows and the state in one transaction, then (if asked) their conversations. */
export function applyStep(store: MessageStore, threads: ThreadIndex, folderId: number, batch: SyncBatch, { threadNow = true } = {}): void {
  store.applySync(folderId, batch);
  // After the commit, not inside it: threading nested in the upsert's transaction costs twice the CPU.
  if (threadNow && batch.upsert?.length) threads.assignUids(folderId, batch.upsert.map((m) => m.uid));
  // References that came after their message was threaded may join it to more of its conversation.
  if (batch.references?.length) threads.relinkUids(folderId, batch.references.map((r) => r.uid));
}

/** Writes on the caller's thread (tests, and anything small). */
export class InlineStoreWriter implements StoreWriter {
  constructor(
    private readonly store: MessageStore,
    private readonly threads: ThreadIndex,
  ) {}

  async apply(folderId: number, batch: SyncBatch): Promise<void> {
    applyStep(this.store, this.threads, folderId, batch);
    // Nothing goes quiet here to write them later: a step is whole, search entries included.
    if (batch.indexLater) indexAllPending(this.store);
  }

  async catchUpIndex(): Promise<void> {
    indexAllPending(this.store);
  }

  onThreaded(): void {}

  async close(): Promise<void> {}
}

/** tsx's ESM entry (its "import" export; the CommonJS one registers the wrong loader path). */
function tsxApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(packageJson), 'dist', 'esm', 'api', 'index.mjs')).href;
}

export type WorkerRequest = { id: number; folderId: number; batch: SyncBatch } | { id: number; catchUpIndex: true };
export type WorkerReply = { id: number; ok: true } | { id: number; ok: false; message: string };
/** Said by the writer thread unasked: these folders' messages got their conversations. */
export type WorkerNotice = { threaded: number[] };

/**
 * Writes on a worker thread with its own connection to the same database (WAL lets the main
 * thread read meanwhile). A header sync spends as much CPU storing and indexing a message as
 * imapflow spends parsing it; on a second core the two overlap instead of adding up.
 */
export class WorkerStoreWriter implements StoreWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private next = 1;
  private failed: Error | undefined;
  private readonly threadedListeners: ((folderIds: number[]) => void)[] = [];

  /** `script`: the built worker (store-writer-worker.js), or its source (.ts, run through tsx). */
  constructor(storeDir: string, script: URL) {
    this.worker = script.pathname.endsWith('.ts')
      ? // From source (tests, benchmarks): the worker registers tsx before loading the module,
        // since a worker does not take --import from its execArgv.
        new Worker(
          `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); })`,
          { eval: true, workerData: { storeDir } },
        )
      : new Worker(script, { workerData: { storeDir } });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply | WorkerNotice) => {
      if ('threaded' in reply) {
        for (const listener of this.threadedListeners) listener(reply.threaded);
        return;
      }
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve();
      else waiter?.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`The store writer stopped (exit code ${code}).`)));
  }

  apply(folderId: number, batch: SyncBatch): Promise<void> {
    return this.request((id) => ({ id, folderId, batch }));
  }

  catchUpIndex(): Promise<void> {
    return this.request((id) => ({ id, catchUpIndex: true }));
  }

  onThreaded(listener: (folderIds: number[]) => void): void {
    this.threadedListeners.push(listener);
  }

  private request(make: (id: number) => WorkerRequest): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(make(id));
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
