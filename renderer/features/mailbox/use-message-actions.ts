import { useEffect, useState, type RefObject } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { OpenedMessage } from '../reader/use-opened-message.js';
import type { StatusLineModel } from '../status/use-status-line.js';
import { actOnMessages } from './bulk-actions.js';
import type { ListedMessage, MessageListHandle } from './MessageList.js';
import { removalText } from './removal-undo.js';
import type { SelectionAction } from './SelectionBar.js';
import type { FoldersModel } from './use-folders.js';

type Context = {
  accountId: string | undefined;
  folders: FoldersModel;
  reader: OpenedMessage;
  listApi: RefObject<MessageListHandle | null>;
  status: Pick<StatusLineModel, 'notify' | 'offerUndo'>;
  onError: (error: AppErrorDto) => void;
};

/**
 * What can be done to the open message (read/unread, flag, Delete, Move) and to the rows chosen
 * in the list. Delete and Move close the reader and offer Undo (main redraws the list with
 * messages.changed); a delete for good is asked first instead. A queued action the server refused
 * later (action.failed) is said in `actionError`: kept apart from the app's error, which every list
 * refresh clears, so the person still sees why the change came back.
 */
export function useMessageActions(client: ContractClient, { accountId, folders, reader, listApi, status, onError }: Context) {
  const { allInboxes, folderPath } = folders;
  const [actionError, setActionError] = useState<AppErrorDto>();
  const [confirming, setConfirming] = useState<{ count: number; run: () => void }>();
  const [chosen, setChosen] = useState<ListedMessage[]>([]);

  // Another account: nothing left over from the last one's actions.
  useEffect(() => {
    setActionError(undefined);
  }, [accountId]);

  // The server refused an action and it was undone: the person is told why it came back.
  useEffect(
    () =>
      client.on('action.failed', (failure) => {
        if (failure.accountId !== accountId && !allInboxes) return;
        setActionError({ ...failure.error, message: `The server refused a change, so it was undone: ${failure.error.message}` });
      }),
    [client, accountId, allInboxes],
  );

  /** Read/unread and flagged: shown at once by main; the reader shows the new state when it answers. */
  async function setFlag(flag: 'seen' | 'flagged', on: boolean) {
    if (!reader.opened) return;
    const { folder: from, message, accountId: inAccount } = reader.opened;
    setActionError(undefined);
    const change = on ? { add: [flag] } : { remove: [flag] };
    const reply = await client.invoke('messages.setFlags', { accountId: inAccount, folder: from, uids: [message.uid], ...change });
    if (!reply.ok) return onError(reply.error);
    reader.showFlags(from, message.uid, flag === 'seen' ? { unread: !on } : { flagged: on });
  }

  /** Delete inside Trash deletes for good: asked first. Anywhere else it goes ahead (Undo follows). */
  function confirmIfForGood(count: number, forGood: boolean, run: () => Promise<void>) {
    if (!forGood) return void run();
    setConfirming({
      count,
      run: () => {
        setConfirming(undefined);
        void run();
      },
    });
  }

  function offerUndo(count: number, queued: { accountId: string; actionId: number }[], to: string, from: string) {
    status.offerUndo({ text: removalText(count, to), queued, count, from });
  }

  /**
   * Delete (to Trash, or for good in Trash) and Move: the reader closes, messages.changed redraws
   * the list, and Undo is offered for a few seconds (not after a delete for good: that asked first).
   */
  function removeOpened(how: { kind: 'delete' } | { kind: 'move'; to: string }) {
    if (!reader.opened) return;
    const { folder: from, message, accountId: inAccount } = reader.opened;
    const forGood = how.kind === 'delete' && folders.deletesForGood(inAccount, from);
    confirmIfForGood(1, forGood, async () => {
      setActionError(undefined);
      const target = { accountId: inAccount, folder: from, uids: [message.uid] };
      const reply = how.kind === 'delete' ? await client.invoke('messages.delete', target) : await client.invoke('messages.move', { ...target, to: how.to });
      if (!reply.ok) return onError(reply.error);
      reader.closeIfOpen({ accountId: inAccount, folder: from, uid: message.uid });
      if (forGood) return status.notify('Message deleted for good.');
      const to = how.kind === 'move' ? how.to : folders.trashOf(inAccount)!.path;
      offerUndo(1, [{ accountId: inAccount, actionId: reply.value.actionId }], folders.nameIn(inAccount, to), folders.nameIn(inAccount, from));
    });
  }

  /** An action on the rows chosen in the list (two or more): a request per account and folder; main redraws. */
  function actOnChosen(action: SelectionAction, rows: readonly ListedMessage[] = chosen) {
    if (!accountId || rows.length === 0) return;
    const where = (m: ListedMessage) => ({ id: m.accountId ?? accountId, path: m.folder ?? folderPath });
    const forGood = action === 'delete' && rows.some((m) => folders.deletesForGood(where(m).id, where(m).path));
    confirmIfForGood(rows.length, forGood, async () => {
      setActionError(undefined);
      const { error: failed, queued } = await actOnMessages(client, accountId, folderPath, rows, action);
      if (failed) return onError(failed);
      if (action !== 'delete') return;
      listApi.current?.clearSelection();
      const { opened } = reader;
      if (opened && rows.some((m) => where(m).id === opened.accountId && where(m).path === opened.folder && m.uid === opened.message.uid)) reader.close();
      if (forGood) return status.notify(`${rows.length.toLocaleString()} messages deleted for good.`);
      const froms = new Set(rows.map((m) => folders.nameIn(where(m).id, where(m).path)));
      const trashes = new Set(rows.map((m) => folders.trashOf(where(m).id)!.name));
      offerUndo(rows.length, queued, trashes.size === 1 ? [...trashes][0]! : 'Trash', froms.size === 1 ? [...froms][0]! : 'their folders');
    });
  }

  const { opened } = reader;
  return {
    actionError,
    confirming,
    cancelConfirming: () => setConfirming(undefined),
    /** The rows chosen in the list (Ctrl/Shift click). */
    chosen,
    setChosen,
    actOnChosen,
    deleteOpened: () => removeOpened({ kind: 'delete' }),
    moveOpened: (to: string) => removeOpened({ kind: 'move', to }),
    toggleRead: () => (opened ? setFlag('seen', opened.message.unread) : Promise.resolve()),
    toggleFlag: () => (opened ? setFlag('flagged', !opened.message.flagged) : Promise.resolve()),
  };
}

export type MessageActions = ReturnType<typeof useMessageActions>;
