import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { AppError, type ErrorCode } from '../../shared/errors.js';
import { copyMessages } from '../imap/copy-messages.js';
import { deleteMessages } from '../imap/delete-messages.js';
import type { ImapSession } from '../imap/imap-session.js';
import { moveMessages } from '../imap/move-messages.js';
import { setFlags } from '../imap/set-flags.js';
import { log } from '../log.js';
import type { Folder, KeptMessage, MessageFlags, MessageStore } from '../store/message-store.js';
import { PendingActions, type PendingRecord } from '../store/pending-actions.js';

export type FlagName = 'seen' | 'flagged' | 'answered' | 'draft';

/** A change a person asked for, as it is queued (plain data: it is kept as JSON until done). */
export type MessageAction =
  | { kind: 'flags'; folder: string; uids: number[]; add: FlagName[]; remove: FlagName[] }
  | { kind: 'move'; folder: string; uids: number[]; to: string }
  | { kind: 'copy'; folder: string; uids: number[]; to: string }
  /** To `trash`, or for good when it is null or the folder itself. */
  | { kind: 'delete'; folder: string; uids: number[]; trash: string | null }
  /**
   * Undo of a move or delete the server has done: the messages, now `uids` in `folder`, go back
   * to `to`, where `rows` (as they were there, old UIDs) stand for them until the server says
   * their new UIDs.
   */
  | { kind: 'restore'; folder: string; uids: number[]; to: string; rows: KeptMessage[] };

type Undo = { flags: { uid: number; flags: MessageFlags }[]; rows: KeptMessage[] };
type Pending = PendingRecord<MessageAction, Undo>;
/** A move or delete the server did, kept a while for undo: where each message went. */
type Done = { record: Pending; uidMap: Map<number, number> | null };

/** How many done actions are remembered for undo (the app offers it for a few seconds only). */
const UNDOABLE = 200;

const IMAP_FLAG: Record<FlagName, string> = { seen: '\\Seen', flagged: '\\Flagged', answered: '\\Answered', draft: '\\Draft' };

/**
 * Failures that say nothing about the action itself (the server is out of reach, or will not let
 * us in right now): the action stays queued and is tried again. Any other failure is the server
 * refusing the action, which is rolled back.
 */
const TRY_AGAIN: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONNECTION_LOST',
  'CONNECTION_REFUSED',
  'TIMEOUT',
  'HOST_NOT_FOUND',
  'AUTH_FAILED',
  'TLS_UNTRUSTED',
  'TLS_REQUIRED',
]);

export type MessageActionsOptions = {
  store: MessageStore;
  bodiesDir: string;
  session: (accountId: string) => Promise<ImapSession>;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** Waits between attempts while the server is out of reach: first, then doubling up to max. */
  retry?: { firstDelayMs: number; maxDelayMs: number };
};

/**
 * Read/unread, flag, move, copy and delete: shown at once (the store changes in the same
 * transaction that queues the action), then done on the server in order, one account's actions
 * after another on its session. Offline they wait and go out on reconnect; a refusal rolls the
 * local change back and says why (action.failed).
 */
export class MessageActions {
  private readonly pending: PendingActions<MessageAction, Undo>;
  private readonly draining = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly delays = new Map<string, number>();
  /** Per account, the id of the action on the server right now. */
  private readonly inFlight = new Map<string, number>();
  /** Moves and deletes the server has done, newest last, by action id (in memory: undo is for now). */
  private readonly recentlyDone = new Map<number, Done>();
  private stopped = false;

  constructor(private readonly options: MessageActionsOptions) {
    this.pending = new PendingActions(options.store.db);
  }

  private get store(): MessageStore {
    return this.options.store;
  }

  /** Shows the change now and queues it for the server; returns the queued action's id. */
  perform(accountId: string, action: MessageAction): number {
    const folder = this.store.existingFolder(accountId, action.folder);
    if (action.kind === 'move' || action.kind === 'copy' || action.kind === 'restore') this.store.existingFolder(accountId, action.to);
    const id = this.pending.add(accountId, action, () => this.applyLocally(folder, action));
    this.changed(accountId, action);
    void this.drain(accountId);
    return id;
  }

  /**
   * Undoes a move or a delete (see messages.undo). Still queued: it is taken out of the queue
   * and its local change undone, so the server never sees it. On the server right now: once
   * that ends, as below. Done: a restore is queued that moves the messages back from where the
   * server put them (a MOVE keeps their flags). Answers the restore's id, if one was queued.
   */
  async undo(accountId: string, actionId: number): Promise<number | undefined> {
    while (this.inFlight.get(accountId) === actionId) await this.draining.get(accountId);
    const queued = this.pending.list(accountId).find((r) => r.id === actionId);
    if (queued) {
      undoable(queued.action);
      this.pending.remove(queued.id, () => this.undoLocally(queued));
      this.changed(accountId, queued.action);
      return undefined;
    }
    const done = this.recentlyDone.get(actionId);
    if (!done || done.record.accountId !== accountId) {
      throw new AppError('NOT_FOUND', { message: 'That change can no longer be undone here. Find the message where it went and move it back.' });
    }
    const { action, undo } = done.record;
    undoable(action);
    const where = action.kind === 'move' ? action.to : action.kind === 'delete' ? action.trash : null;
    if (!where || where === action.folder) throw new AppError('INVALID_ARGUMENT', { message: 'A message deleted for good cannot be brought back.' });
    const moved = undo.rows.filter((row) => done.uidMap?.has(row.uid));
    if (moved.length < undo.rows.length || moved.length === 0) {
      throw new AppError('NOT_FOUND', { message: `The server did not say where it put the message, so it cannot be moved back from here. Open ${where} and move it back.` });
    }
    this.recentlyDone.delete(actionId);
    return this.perform(accountId, {
      kind: 'restore',
      folder: where,
      uids: moved.map((row) => done.uidMap!.get(row.uid)!),
      to: action.folder,
      // The text is left out of the queue (it can be large); it comes back with the message's next open.
      rows: moved.map((row) => ({ ...row, bodyText: null })),
    });
  }

  /** The account's Trash, if it has one: where delete moves messages. */
  trashOf(accountId: string): string | null {
    return this.store.folders(accountId).find((f) => f.role === 'trash')?.path ?? null;
  }

  /** Applies the queued actions of an account on the server, in order (one run at a time). */
  drain(accountId: string): Promise<void> {
    const running = this.draining.get(accountId);
    if (running) return running;
    clearTimeout(this.timers.get(accountId));
    const run = this.drainNow(accountId).finally(() => this.draining.delete(accountId));
    this.draining.set(accountId, run);
    return run;
  }

  /** Queued actions that remain (after a restart, say) go out now. */
  start(): void {
    for (const accountId of this.pending.accounts()) void this.drain(accountId);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  /**
   * A sync stores the server's view, which does not show actions still queued: they are laid
   * over it again, so a flag just set does not flicker back until the server has it.
   */
  reapply(accountId: string, path: string): void {
    const folder = this.store.folderByPath(accountId, path);
    if (!folder) return;
    for (const { action } of this.pending.list(accountId)) {
      if (action.folder === path) this.applyLocally(folder, action);
    }
  }

  /** Forgets an account's queued actions (it was removed). */
  forget(accountId: string): void {
    clearTimeout(this.timers.get(accountId));
    for (const record of this.pending.list(accountId)) this.pending.remove(record.id);
  }

  private async drainNow(accountId: string): Promise<void> {
    for (const record of this.pending.list(accountId)) {
      if (this.stopped) return;
      // Undone while the ones before it went out: the server never sees it.
      if (!this.pending.has(record.id)) continue;
      this.inFlight.set(accountId, record.id);
      try {
        const session = await this.options.session(accountId);
        const result = await session.run((client) => this.onServer(client, record.action));
        this.done(record, result);
      } catch (error) {
        const appError = error instanceof AppError ? error : new AppError('INTERNAL', { cause: error });
        if (TRY_AGAIN.has(appError.code)) {
          this.retryLater(accountId);
          return;
        }
        log.warn('a message action was refused', { kind: record.action.kind, code: appError.code });
        this.rollBack(record, appError);
      } finally {
        this.inFlight.delete(accountId);
      }
    }
    this.delays.delete(accountId);
  }

  private async onServer(client: Parameters<Parameters<ImapSession['run']>[0]>[0], action: MessageAction): Promise<Map<number, number> | null> {
    switch (action.kind) {
      case 'flags':
        await setFlags(client, action.folder, action.uids, { add: action.add.map((f) => IMAP_FLAG[f]), remove: action.remove.map((f) => IMAP_FLAG[f]) });
        return null;
      case 'move':
        return (await moveMessages(client, action.folder, action.uids, action.to)).uidMap;
      case 'copy':
        return (await copyMessages(client, action.folder, action.uids, action.to)).uidMap;
      case 'delete':
        return (await deleteMessages(client, action.folder, action.uids, { trashPath: action.trash })).uidMap;
      case 'restore':
        return (await moveMessages(client, action.folder, action.uids, action.to)).uidMap;
    }
  }

  /** The server did it: the copies it reports go into the destination, and the record goes. */
  private done(record: Pending, uidMap: Map<number, number> | null): void {
    const { action, accountId } = record;
    const destination = action.kind === 'move' || action.kind === 'copy' || action.kind === 'restore' ? action.to : action.kind === 'delete' ? action.trash : null;
    const target = destination && destination !== action.folder ? this.store.folderByPath(accountId, destination) : undefined;
    if (action.kind === 'move' || action.kind === 'delete') this.remember(record, uidMap);
    if (action.kind === 'restore') {
      this.pending.remove(record.id, () => this.restored(action, target, uidMap));
      this.finished(record, target);
      return;
    }
    this.pending.remove(record.id, () => {
      // Only into a destination that has been synced: UIDs above its stored UIDNEXT are fetched
      // again by its next sync anyway (an upsert), and an unsynced one gets them all then.
      if (!target || target.oldestUid === null || !uidMap) return;
      const from = action.kind === 'copy' ? this.store.folderByPath(accountId, action.folder) : undefined;
      const source = action.kind === 'copy' ? (from ? this.store.messagesByUid(from.id, action.uids) : []) : record.undo.rows;
      const copies = source.filter((row) => uidMap.has(row.uid)).map((row) => ({ ...row, uid: uidMap.get(row.uid)!, bodyText: null, snippet: row.snippet }));
      if (copies.length) this.store.upsertMessages(target.id, copies);
    });
    this.finished(record, target);
  }

  /** After a done action: the kept sources of messages that left go, and the lists redraw. */
  private finished(record: Pending, target: Folder | undefined): void {
    for (const row of record.undo.rows) if (row.bodyFile) void rm(join(this.options.bodiesDir, row.bodyFile), { force: true });
    if (target) this.options.emit('messages.changed', { accountId: record.accountId, folder: target.path });
    this.options.emit('folders.changed', { accountId: record.accountId });
  }

  /**
   * A restore the server did: the stand-ins under the old UIDs give way to the rows under the
   * UIDs the server gave them. Without those UIDs (a server without UIDPLUS) the stand-ins stay
   * until the folder's next sync, which drops them and fetches the messages anew.
   */
  private restored(action: Extract<MessageAction, { kind: 'restore' }>, home: Folder | undefined, uidMap: Map<number, number> | null): void {
    if (!home || !uidMap) return;
    const back = action.rows.flatMap((row, i) => {
      const uid = uidMap.get(action.uids[i]!);
      return uid === undefined ? [] : [{ ...row, uid }];
    });
    this.store.removeUids(home.id, action.rows.map((row) => row.uid));
    if (home.oldestUid !== null && back.length) this.store.upsertMessages(home.id, back);
  }

  /** Keeps what a move or delete did for undo, forgetting the oldest beyond UNDOABLE. */
  private remember(record: Pending, uidMap: Map<number, number> | null): void {
    this.recentlyDone.set(record.id, { record, uidMap });
    if (this.recentlyDone.size > UNDOABLE) this.recentlyDone.delete(this.recentlyDone.keys().next().value!);
  }

  /** The server refused: the local change is undone and the person is told why. */
  private rollBack(record: Pending, error: AppError): void {
    const { action, accountId } = record;
    this.pending.remove(record.id, () => this.undoLocally(record));
    this.changed(accountId, action);
    this.options.emit('action.failed', { accountId, folder: action.folder, error: error.toDto() });
  }

  /** Puts the store back as it was before the action's local change (inside the caller's transaction). */
  private undoLocally({ accountId, action, undo }: Pending): void {
    const folder = this.store.folderByPath(accountId, action.folder);
    if (!folder) return;
    // A message gone meanwhile is simply not updated (setFlags matches by folder and UID).
    this.store.setFlags(folder.id, undo.flags);
    if (undo.rows.length) {
      this.store.upsertMessages(folder.id, undo.rows);
      for (const row of undo.rows) if (row.bodyFile && row.bodyText !== null) this.store.setBodyFile(folder.id, row.uid, row.bodyFile, row.bodyText, row.snippet ?? '');
    }
    if (action.kind === 'restore') {
      const home = this.store.folderByPath(accountId, action.to);
      if (home) this.store.removeUids(home.id, action.rows.map((row) => row.uid));
    }
  }

  private retryLater(accountId: string): void {
    if (this.stopped) return;
    const { firstDelayMs, maxDelayMs } = this.options.retry ?? { firstDelayMs: 1_000, maxDelayMs: 60_000 };
    const delay = this.delays.get(accountId) ?? firstDelayMs;
    this.delays.set(accountId, Math.min(delay * 2, maxDelayMs));
    clearTimeout(this.timers.get(accountId));
    const timer = setTimeout(() => void this.drain(accountId), delay);
    timer.unref();
    this.timers.set(accountId, timer);
  }

  /** The local half of an action; returns what it replaced. Safe to run again (reapply). */
  private applyLocally(folder: Folder, action: MessageAction): Undo {
    const undo: Undo = { flags: [], rows: [] };
    if (action.kind === 'flags') {
      const updates: { uid: number; flags: MessageFlags }[] = [];
      for (const row of this.store.messagesByUid(folder.id, action.uids)) {
        undo.flags.push({ uid: row.uid, flags: row.flags });
        const next = { ...row.flags };
        for (const f of action.add) next[f] = true;
        for (const f of action.remove) next[f] = false;
        updates.push({ uid: row.uid, flags: next });
      }
      this.store.setFlags(folder.id, updates);
    } else if (action.kind === 'move' || action.kind === 'delete' || action.kind === 'restore') {
      undo.rows = this.store.messagesByUid(folder.id, action.uids);
      this.store.removeUids(folder.id, action.uids);
    }
    if (action.kind === 'restore') {
      // Shown back where they were at once, under their old UIDs until the server gives new ones.
      const home = this.store.folderByPath(folder.accountId, action.to);
      if (home) this.store.upsertMessages(home.id, action.rows);
    }
    return undo;
  }

  private changed(accountId: string, action: MessageAction): void {
    this.options.emit('messages.changed', { accountId, folder: action.folder });
    if (action.kind === 'restore') this.options.emit('messages.changed', { accountId, folder: action.to });
    this.options.emit('folders.changed', { accountId });
  }
}

/** Only a move or a delete (or putting one back) is undone; flags are simply set again. */
function undoable(action: MessageAction): void {
  if (action.kind === 'move' || action.kind === 'delete') return;
  throw new AppError('INVALID_ARGUMENT', { message: 'Only a delete or a move can be undone.' });
}
