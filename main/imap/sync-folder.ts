import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { MessageFlags, MessageInput, MessageStore, SyncBatch, SyncState } from '../store/message-store.js';
import { InlineStoreWriter, type StoreWriter } from '../store/store-writer.js';
import { ThreadIndex } from '../store/threading.js';
import { fetchReferences, FLAGS_QUERY, HEADER_QUERY, toFlags, toMessageInput, withReferences } from './message-headers.js';

/** What the server offers that a resync can use; tests turn them off to take the fallback paths. */
export type SyncFeatures = { condstore: boolean; qresync: boolean };

export type FolderSyncProgress = { done: number; total: number };

export type FolderSyncOptions = {
  /** The newest this many come first, in one batch, so the list shows at once. */
  firstBatch?: number;
  /** Messages per later batch (each one transaction in the store). */
  batchSize?: number;
  features?: Partial<SyncFeatures>;
  onProgress?: (progress: FolderSyncProgress) => void;
  /** Called once the newest messages are stored: the list can be drawn from the store. */
  onFirstBatch?: () => void;
  /** Where the writes go (default: on this thread). */
  writer?: StoreWriter;
};

/** Applies one step; the sync awaits it before anything relies on it. */
type Write = (batch: SyncBatch) => Promise<void>;

export type FolderSyncResult = {
  /** Messages that were not in the store before (new mail, or history that streamed in). */
  added: number;
  /** New mail: messages above the previous UIDNEXT (0 on a first sync). */
  arrived: number;
  flagsChanged: number;
  removed: number;
  /** The folder was dropped and refetched because its UIDVALIDITY changed. */
  reset: boolean;
};

const FIRST_BATCH = 100;
/** Rows that need nothing more go to the writer in groups of this many (see fetchHistory). */
const EARLY_GROUP = 250;

/** A write awaited later: until then its failure must not count as unhandled. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
const BATCH = 2_000;

/**
 * Brings one folder's copy in the store up to the server's state. Safe to interrupt anywhere:
 * each step commits its rows together with the state that says they are in (MessageStore.applySync),
 * so the next call resumes from exactly what is stored.
 *
 * - First sync: the newest FIRST_BATCH messages by sequence number, then the history downwards
 *   in UID windows (newest first), each window one transaction, written while the next streams in.
 * - Resync: new UIDs above the stored UIDNEXT; then flag changes and removals, by CHANGEDSINCE
 *   (and VANISHED with QRESYNC) where the server has CONDSTORE, otherwise by reading every flag;
 *   removals without QRESYNC come from comparing the UIDs the server has with the stored ones,
 *   which is skipped when the counts already agree.
 * - A changed UIDVALIDITY drops the folder's copy and starts over.
 *
 * The mailbox is opened read-only (EXAMINE): syncing never changes a flag on the server.
 */
export async function syncFolder(
  client: ImapFlow,
  store: MessageStore,
  folderId: number,
  path: string,
  options: FolderSyncOptions = {},
): Promise<FolderSyncResult> {
  const result: FolderSyncResult = { added: 0, arrived: 0, flagsChanged: 0, removed: 0, reset: false };
  const wasOpen = client.mailbox && client.mailbox.path === path;
  const lock = await client.getMailboxLock(path, { readOnly: true });
  // VANISHED (QRESYNC) reports removals as events while a command runs; they are collected here
  // and applied with the step that asked for them.
  const vanished: number[] = [];
  const onExpunge = (event: { path: string; uid?: number; vanished: boolean }) => {
    if (event.vanished && event.uid !== undefined && event.path === path) vanished.push(event.uid);
  };
  client.on('expunge', onExpunge);
  const writer = options.writer ?? new InlineStoreWriter(store, new ThreadIndex(store.db));
  const write: Write = (batch) => writer.apply(folderId, batch);
  try {
    // A mailbox this connection already had open is selected again: UIDNEXT, UIDVALIDITY and
    // HIGHESTMODSEQ come only with SELECT, and the connection may have sat idle since.
    if (wasOpen) await client.mailboxOpen(path, { readOnly: true });
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error(`${path} is not open`);
    const features = {
      condstore: (options.features?.condstore ?? true) && client.enabled.has('CONDSTORE') && !mailbox.noModseq && mailbox.highestModseq !== undefined,
      qresync: (options.features?.qresync ?? true) && client.enabled.has('QRESYNC'),
    };
    const serverValidity = Number(mailbox.uidValidity);
    const serverModseq = features.condstore ? (mailbox.highestModseq ?? null) : null;
    let state = store.syncState(folderId);
    if (state.uidValidity !== null && state.uidValidity !== serverValidity) {
      await write({ reset: serverValidity });
      result.reset = true;
      state = store.syncState(folderId);
    }
    const total = mailbox.exists;
    const progress = () => options.onProgress?.({ done: Math.min(store.counts(folderId).total, total), total });
    const before = store.counts(folderId).total;

    if (state.oldestUid === null || state.uidNext === null) {
      await firstBatch(client, write, { mailbox: { exists: total, uidNext: mailbox.uidNext, uidValidity: serverValidity, modseq: serverModseq }, size: options.firstBatch ?? FIRST_BATCH });
    } else {
      result.arrived = await fetchNew(client, write, state.uidNext, mailbox.uidNext, options.batchSize ?? BATCH, (low, high) => store.uidsInRange(folderId, low, high + 1));
      const changes = await refreshKnown(client, store, write, folderId, state, { features, serverModseq, exists: mailbox.exists, vanished });
      result.flagsChanged = changes.flagsChanged;
      result.removed = changes.removed;
    }
    options.onFirstBatch?.();
    progress();
    await fetchHistory(client, store, write, folderId, options.batchSize ?? BATCH, progress);
    await fetchMissingReferences(client, store, write, folderId);
    await write({ state: { syncedAt: Date.now() } });
    result.added = store.counts(folderId).total - before + result.removed;
    return result;
  } finally {
    client.off('expunge', onExpunge);
    lock.release();
  }
}

type MailboxFacts = { exists: number; uidNext: number; uidValidity: number; modseq: bigint | null };

/** The newest messages by sequence number: whatever their UIDs, exactly the top `size` arrive. */
async function firstBatch(client: ImapFlow, write: Write, { mailbox, size }: { mailbox: MailboxFacts; size: number }) {
  const base: Partial<SyncState> = { uidValidity: mailbox.uidValidity, uidNext: mailbox.uidNext, highestModseq: mailbox.modseq };
  if (mailbox.exists === 0) {
    await write({ state: { ...base, oldestUid: 1, referencesFromUid: 1 } });
    return;
  }
  const from = Math.max(1, mailbox.exists - size + 1);
  const messages = await client.fetchAll(`${from}:*`, HEADER_QUERY);
  // Messages that arrived after EXAMINE (above its UIDNEXT) wait for the next resync, which
  // fetches from the stored UIDNEXT up: storing them now would make that range look complete.
  const batch = messages.filter((m) => m.uid < mailbox.uidNext);
  const oldest = from === 1 ? 1 : Math.min(...batch.map((m) => m.uid), mailbox.uidNext);
  const rows = batch.map(toMessageInput);
  await withReferences(client, rows);
  await write({ upsert: rows, state: { ...base, oldestUid: oldest, referencesFromUid: oldest } });
}

/**
 * The rest of the history, newest first, in UID windows. The next window is requested before the
 * current one is stored, so the server streams while the store writes. A window that turns out
 * sparse (UID gaps from old deletions) doubles the next one, so a thinly used range costs few
 * round trips.
 */
async function fetchHistory(client: ImapFlow, store: MessageStore, write: Write, folderId: number, batchSize: number, progress: () => void) {
  const { oldestUid } = store.syncState(folderId);
  if (oldestUid === null) return;
  let size = batchSize;
  // The previous window's writes go on while this one streams in (the writer applies them in
  // order, so the state never runs ahead of the rows).
  let writing: Promise<void> | undefined;
  for (let high = oldestUid - 1; high >= 1; ) {
    const low = Math.max(1, high - size + 1);
    // Each message is reduced to its row as it arrives and goes to the writer in small groups at
    // once: it dies young instead of living through the window, which halves the garbage
    // collector's work on this thread. A reply is stored without its References (the header FETCH
    // has none); fetchMissingReferences fetches them after the history, only for the replies
    // whose parent is not stored. Their search entries are written when the writer goes quiet
    // (indexLater; a search has it catch up first): the index cost the writer as much CPU as the
    // rows, on cores the parser and the server need. The state (oldestUid) is written last: rows
    // stored early below it are harmless (the range below oldestUid is not claimed complete) and
    // a cut before it just fetches them again. No command is issued inside this loop.
    const early: Promise<void>[] = [];
    const present = new Set<number>();
    let group: MessageInput[] = [];
    for await (const message of client.fetch(`${low}:${high}`, HEADER_QUERY, { uid: true })) {
      if (message.uid < low || message.uid > high) continue;
      const row = toMessageInput(message);
      present.add(row.uid);
      if (group.push(row) >= EARLY_GROUP) {
        early.push(quietly(write({ upsert: group, indexLater: true })));
        group = [];
      }
    }
    if (writing) {
      await writing;
      progress();
    }
    // Rows stored earlier in this window (by a server search) that the server no longer has.
    const gone = store.uidsInRange(folderId, low, high + 1).filter((uid) => !present.has(uid));
    const last = write({ upsert: group, remove: gone, state: { oldestUid: low }, indexLater: true });
    writing = quietly(Promise.all([...early, last]).then(() => undefined));
    // A sparse window (UID gaps from old deletions) doubles the next one.
    size = present.size < size / 2 ? Math.min(size * 2, 1 << 22) : batchSize;
    high = low - 1;
  }
  if (writing) {
    await writing;
    progress();
  }
}

/** References asked for in one FETCH: a command line of about 8 KB. */
const REFERENCES_GROUP = 1_000;

/**
 * References for the replies the history stored without them (fetchHistory), once it is in.
 * A reply whose parent (In-Reply-To) is stored in any folder of the account joins that
 * conversation without them, so only the others are fetched: in a typical mailbox most parents
 * are there, and References cost a few round trips instead of one per window. Each group is one
 * step, and the state says the check is done only after all of them are stored, so a cut just
 * checks again (replies that got their References meanwhile are no longer asked for).
 */
async function fetchMissingReferences(client: ImapFlow, store: MessageStore, write: Write, folderId: number): Promise<void> {
  const { oldestUid, referencesFromUid } = store.syncState(folderId);
  if (oldestUid === null || (referencesFromUid !== null && referencesFromUid <= oldestUid)) return;
  const missing = store.repliesWithoutParent(folderId, oldestUid, referencesFromUid ?? Number.MAX_SAFE_INTEGER);
  const steps: Promise<void>[] = [];
  for (let i = 0; i < missing.length; i += REFERENCES_GROUP) {
    const uids = missing.slice(i, i + REFERENCES_GROUP);
    const found = await fetchReferences(client, uids);
    // A UID the server no longer answers for is gone; the resync removes its row.
    steps.push(quietly(write({ references: uids.filter((uid) => found.has(uid)).map((uid) => ({ uid, references: found.get(uid)! })) })));
  }
  // Only once every group is stored: the state must never claim References that were lost.
  await Promise.all(steps);
  await write({ state: { referencesFromUid: oldestUid } });
}

/**
 * Messages above the stored UIDNEXT, oldest first in windows so that each committed window
 * advances UIDNEXT and a cut loses at most one window. Answers how many arrived: those the store
 * did not have already (a message this app moved here, or an undone delete, is stored by the
 * action under its new UID before the sync sees it, and is no new mail).
 */
async function fetchNew(
  client: ImapFlow,
  write: Write,
  storedNext: number,
  serverNext: number,
  batchSize: number,
  storedUids: (low: number, high: number) => number[],
): Promise<number> {
  let arrived = 0;
  for (let low = storedNext; low < serverNext; low += batchSize) {
    const high = Math.min(serverNext - 1, low + batchSize - 1);
    // "low:high", never "low:*": "*" is the highest UID even when it is below `low` (RFC 3501 6.4.8).
    const messages = (await fetchRange(client, `${low}:${high}`)).filter((m) => m.uid >= low && m.uid <= high);
    const known = new Set(storedUids(low, high));
    const rows = messages.map(toMessageInput);
    await withReferences(client, rows);
    await write({ upsert: rows, state: { uidNext: high + 1 } });
    arrived += messages.filter((m) => !known.has(m.uid)).length;
  }
  return arrived;
}

async function fetchRange(client: ImapFlow, range: string, query = HEADER_QUERY, changedSince?: bigint): Promise<FetchMessageObject[]> {
  return client.fetchAll(range, query, { uid: true, ...(changedSince !== undefined ? { changedSince } : {}) });
}

/** Flag changes and removals among the messages already stored ([oldestUid, uidNext)). */
async function refreshKnown(
  client: ImapFlow,
  store: MessageStore,
  write: Write,
  folderId: number,
  state: SyncState,
  { features, serverModseq, exists, vanished }: { features: SyncFeatures; serverModseq: bigint | null; exists: number; vanished: number[] },
): Promise<{ flagsChanged: number; removed: number }> {
  const low = state.oldestUid ?? 1;
  const high = (state.uidNext ?? 1) - 1;
  const known = `${low}:${Math.max(low, high)}`;
  let flagsChanged = 0;
  let removed = 0;
  let removalsKnown = false;

  if (features.condstore && state.highestModseq !== null && serverModseq !== null) {
    if (serverModseq !== state.highestModseq && high >= low) {
      vanished.length = 0;
      const changed = await fetchRange(client, known, FLAGS_QUERY, state.highestModseq);
      const gone = features.qresync ? vanished.filter((uid) => uid >= low && uid <= high) : [];
      flagsChanged = await applyFlags(store, write, folderId, changed, low, high, gone);
      removed = gone.length;
      removalsKnown = features.qresync;
    } else if (serverModseq === state.highestModseq) {
      // Nothing changed on the server since the last sync, removals included (RFC 7162 3.1).
      removalsKnown = true;
    }
  } else if (high >= low) {
    // No CONDSTORE: every flag is read again; a UID that does not answer is gone.
    const all = await fetchRange(client, known, FLAGS_QUERY);
    const present = new Set(all.map((m) => m.uid));
    const gone = store.uidsInRange(folderId, low, high + 1).filter((uid) => !present.has(uid));
    flagsChanged = await applyFlags(store, write, folderId, all, low, high, gone);
    removed = gone.length;
    removalsKnown = true;
  }

  // A cheap check before an expensive one: once the whole history is in, a server count equal to
  // the stored count means nothing is missing. Otherwise, unless QRESYNC has already said what
  // went, ask the server which UIDs it has.
  const stored = store.counts(folderId).total;
  const countsAgree = low === 1 && stored === exists;
  if (!countsAgree && (!removalsKnown || low === 1) && high >= low) {
    const present = new Set((await client.search({ uid: `${low}:${high}` }, { uid: true })) || []);
    const gone = store.uidsInRange(folderId, low, high + 1).filter((uid) => !present.has(uid));
    if (gone.length) await write({ remove: gone });
    removed += gone.length;
  }
  await write({ state: { highestModseq: serverModseq } });
  return { flagsChanged, removed };
}

/** Stores changed flags (and removals) in one step; returns how many messages' flags differed. */
async function applyFlags(store: MessageStore, write: Write, folderId: number, fetched: FetchMessageObject[], low: number, high: number, gone: number[]): Promise<number> {
  const updates: { uid: number; flags: MessageFlags }[] = [];
  for (const message of fetched) {
    if (message.uid < low || message.uid > high || !message.flags) continue;
    const flags = toFlags(message.flags);
    const current = store.message(folderId, message.uid)?.flags;
    if (current && !sameFlags(current, flags)) updates.push({ uid: message.uid, flags });
  }
  await write({ flags: updates, remove: gone });
  return updates.length;
}

function sameFlags(a: MessageFlags, b: MessageFlags): boolean {
  return (
    a.seen === b.seen &&
    a.flagged === b.flagged &&
    a.answered === b.answered &&
    a.draft === b.draft &&
    a.deleted === b.deleted &&
    a.keywords.length === b.keywords.length &&
    a.keywords.every((k) => b.keywords.includes(k))
  );
}
