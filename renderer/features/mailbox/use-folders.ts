import { useCallback, useEffect, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account, Folder } from '../../../shared/schemas.js';
import { useEveryAccountsFolders } from './AllInboxes.js';

const nameIn = (folders: readonly Folder[], path: string) => (path === 'INBOX' ? 'Inbox' : (folders.find((f) => f.path === path)?.name ?? path));

/**
 * Which list the mailbox shows: a folder of the chosen account (each account keeps its own
 * choice, its Inbox until another is chosen) or All inboxes. Keeps each account's folders
 * (folders.list), read again when main says they changed or new mail arrived.
 */
export function useFolders(client: ContractClient, accounts: readonly Account[], accountId: string | undefined, onError: (error: AppErrorDto) => void) {
  const [foldersByAccount, setFoldersByAccount] = useState<Record<string, Folder[]>>({});
  const [folderByAccount, setFolderByAccount] = useState<Record<string, string>>({});
  // All inboxes (every account's Inbox as one list) is shown instead of the chosen folder.
  const [allInboxes, setAllInboxes] = useState(false);
  const everyFolders = useEveryAccountsFolders(client, accounts);

  const folders = (accountId && foldersByAccount[accountId]) || [];
  const folderPath = (accountId && folderByAccount[accountId]) || 'INBOX';
  const folderName = nameIn(folders, folderPath);
  /** An account's folders: the chosen one's as loaded here, another's as All inboxes loaded them. */
  const foldersOf = (id: string) => (id === accountId ? folders : (everyFolders[id] ?? foldersByAccount[id] ?? []));

  /** Whether a change to this account's folder concerns the list on screen. */
  const shown = useCallback(
    (id: string, path: string) => (allInboxes ? path === 'INBOX' : id === accountId && path === folderPath),
    [allInboxes, accountId, folderPath],
  );

  const load = useCallback(async () => {
    if (!accountId) return;
    const reply = await client.invoke('folders.list', { accountId });
    if (reply.ok) setFoldersByAccount((all) => ({ ...all, [accountId]: reply.value }));
    else onError(reply.error);
  }, [client, accountId, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  // New mail pushed by the account's IDLE connection, or folders changed by a sync: the counts catch up.
  useEffect(() => {
    const offArrived = client.on('mail.arrived', (arrival) => {
      if (arrival.accountId === accountId) void load();
    });
    const offChanged = client.on('folders.changed', (change) => {
      if (change.accountId === accountId) void load();
    });
    return () => {
      offArrived();
      offChanged();
    };
  }, [client, accountId, load]);

  return {
    folders,
    folderPath,
    folderName,
    allInboxes,
    everyFolders,
    /** The list's heading and name. */
    title: allInboxes ? 'All inboxes' : folderName,
    shown,
    load,
    foldersOf,
    /** A folder path of the chosen account as shown (a search result says which folder it is in). */
    nameOf: (path: string) => nameIn(folders, path),
    nameIn: (id: string, path: string) => nameIn(foldersOf(id), path),
    /** Delete there deletes for good: inside Trash, or in an account without one (or whose folders are not known yet). */
    deletesForGood(id: string, path: string) {
      const trash = foldersOf(id).find((f) => f.role === 'trash');
      return !trash || trash.path === path;
    },
    trashOf: (id: string) => foldersOf(id).find((f) => f.role === 'trash'),
    /** A folder of the chosen account is listed (instead of All inboxes). */
    choose(path: string) {
      if (accountId) setFolderByAccount((all) => ({ ...all, [accountId]: path }));
      setAllInboxes(false);
    },
    /** The chosen account's chosen folder is listed (instead of All inboxes). */
    showAccount: () => setAllInboxes(false),
    showAllInboxes: () => setAllInboxes(true),
    /** A message just opened was unread: one fewer in that folder's count. */
    countRead(id: string, path: string) {
      setFoldersByAccount((all) => ({ ...all, [id]: (all[id] ?? []).map((f) => (f.path === path ? { ...f, unread: Math.max(0, f.unread - 1) } : f)) }));
    },
  };
}

export type FoldersModel = ReturnType<typeof useFolders>;
