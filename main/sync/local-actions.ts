import { link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventName, EventPayload } from '../../shared/contract.js';
import { AppError } from '../../shared/errors.js';
import { LocalMessages, type LocalEntry } from '../store/local-messages.js';
import type { Folder, KeptMessage, MessageStore } from '../store/message-store.js';
import { Pop3Uids } from '../store/pop3-uids.js';
import type { ThreadIndex } from '../store/threading.js';
import type { FlagName, MessageAction } from './message-actions.js';

export type LocalActionsOptions = {
  store: MessageStore;
  bodiesDir: string;
  threads: ThreadIndex;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
};


/**
 * Read/unread, flag, move, copy and delete for an account whose folders are local (POP3): done
 * in the store at once, with nothing to queue for a server. A moved message keeps its source
 * file (linked under its new UID before the rows change, unlinked after) and its POP3 record
 * (so it is not taken for deleted locally); one deleted for good leaves its record behind, which
 * is what "delete from server when deleted locally" looks for.
 */
export class LocalActions {
  private readonly local: LocalMessages;
  private readonly pop3: Pop3Uids;
  private nextId = 1;
  /** Moves and deletes to Trash done lately, by id, for undo: where the messages went. */
  private readonly recentlyDone = new Map<number, { accountId: string; from: string; to: string; uids: number[] }>();

  constructor(private readonly options: LocalActionsOptions) {
    this.local = new LocalMessages(options.store);
    this.pop3 = new Pop3Uids(options.store);
  }

  private get store(): MessageStore {
    return this.options.store;
  }

  /** Does it; returns an id like MessageActions' (there is never an action.failed for it). */
  async perform(accountId: string, action: MessageAction): Promise<number> {
    const folder = this.store.existingFolder(accountId, action.folder);
    const id = this.nextId++;
    const movedTo = async (path: string) => {
      const to = this.store.existingFolder(accountId, path);
      const uids = await this.transfer(accountId, folder, action.uids, to, { keepSource: false });
      this.remember(id, { accountId, from: folder.path, to: to.path, uids });
    };
    switch (action.kind) {
      case 'flags':
        this.setFlags(folder, action.uids, action.add, action.remove);
        break;
      case 'move':
      case 'restore':
        await movedTo(action.to);
        break;
      case 'copy':
        await this.transfer(accountId, folder, action.uids, this.store.existingFolder(accountId, action.to), { keepSource: true });
        break;
      case 'delete':
        if (action.trash && action.trash !== action.folder) await movedTo(action.trash);
        else await this.deleteForGood(folder, action.uids);
        break;
    }
    const other = action.kind === 'move' || action.kind === 'copy' || action.kind === 'restore' ? action.to : action.kind === 'delete' ? action.trash : null;
    this.changed(accountId, action.folder, other);
    return id;
  }

  /**
   * Undo of a move or a delete to Trash (messages.undo): the messages go back where they were,
   * flags, text and POP3 record with them (under new local UIDs, as any move here). Answers
   * nothing: there is no server to wait for.
   */
  async undo(accountId: string, actionId: number): Promise<void> {
    const done = this.recentlyDone.get(actionId);
    if (!done || done.accountId !== accountId) {
      throw new AppError('NOT_FOUND', { message: 'That change can no longer be undone here. Find the message where it went and move it back.' });
    }
    this.recentlyDone.delete(actionId);
    const where = this.store.existingFolder(accountId, done.to);
    await this.transfer(accountId, where, done.uids, this.store.existingFolder(accountId, done.from), { keepSource: false });
    this.changed(accountId, done.to, done.from);
  }

  private remember(id: number, done: { accountId: string; from: string; to: string; uids: number[] }): void {
    this.recentlyDone.set(id, done);
    if (this.recentlyDone.size > 200) this.recentlyDone.delete(this.recentlyDone.keys().next().value!);
  }

  private changed(accountId: string, folder: string, other: string | null): void {
    this.options.emit('messages.changed', { accountId, folder });
    if (other && other !== folder) this.options.emit('messages.changed', { accountId, folder: other });
    this.options.emit('folders.changed', { accountId });
  }

  private setFlags(folder: Folder, uids: readonly number[], add: readonly FlagName[], remove: readonly FlagName[]): void {
    const updates = this.store.messagesByUid(folder.id, uids).map((row) => {
      const flags = { ...row.flags };
      for (const f of add) flags[f] = true;
      for (const f of remove) flags[f] = false;
      return { uid: row.uid, flags };
    });
    this.store.setFlags(folder.id, updates);
  }

  /** Moves (or copies) messages to another local folder; answers their UIDs there. */
  private async transfer(accountId: string, from: Folder, uids: readonly number[], to: Folder, { keepSource }: { keepSource: boolean }): Promise<number[]> {
    if (from.id === to.id) return [];
    const rows = this.store.messagesByUid(from.id, uids);
    if (rows.length === 0) return [];
    const first = this.local.nextUid(to.id);
    const toDir = join(this.options.bodiesDir, accountId, String(to.id));
    await mkdir(toDir, { recursive: true });
    const entries: (LocalEntry & { row: KeptMessage })[] = [];
    for (const [i, row] of rows.entries()) {
      const uid = first + i;
      const bodyFile = join(accountId, String(to.id), `${uid}.eml`);
      const message = { ...row, uid, bodyText: row.bodyText, snippet: row.snippet };
      if (row.sourceInStore) {
        // Copied inside the transaction below, with the row.
        entries.push({ row, message, sourceOf: { folderId: from.id, uid: row.uid } });
        continue;
      }
      // A second name for the same file first: a crash before the rows change leaves only an
      // unused file (its UID was not given out, and the next message there overwrites it).
      if (row.bodyFile) {
        await rm(join(this.options.bodiesDir, bodyFile), { force: true });
        await link(join(this.options.bodiesDir, row.bodyFile), join(this.options.bodiesDir, bodyFile));
      }
      entries.push({ row, message, bodyFile: row.bodyFile ? bodyFile : undefined });
    }
    this.local.insert(to.id, entries, () => {
      if (keepSource) return;
      this.store.removeUids(from.id, rows.map((r) => r.uid));
      for (const e of entries) this.pop3.relocate({ folderId: from.id, uid: e.row.uid }, { folderId: to.id, uid: e.message.uid });
    });
    this.options.threads.assignUids(to.id, entries.map((e) => e.message.uid));
    if (!keepSource) await this.unlink(rows);
    return entries.map((e) => e.message.uid);
  }

  private async deleteForGood(folder: Folder, uids: readonly number[]): Promise<void> {
    const rows = this.store.messagesByUid(folder.id, uids);
    this.store.removeUids(folder.id, rows.map((r) => r.uid));
    await this.unlink(rows);
  }

  private async unlink(rows: readonly KeptMessage[]): Promise<void> {
    for (const row of rows) if (row.bodyFile) await rm(join(this.options.bodiesDir, row.bodyFile), { force: true });
  }

}
