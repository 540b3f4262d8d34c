import { useRef } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Accounts } from '../accounts/use-accounts.js';
import { useOpenedMessage } from '../reader/use-opened-message.js';
import type { StatusLineModel } from '../status/use-status-line.js';
import type { MessageListHandle } from './MessageList.js';
import { useFolders } from './use-folders.js';
import { useMailboxList } from './use-mailbox-list.js';
import { useMessageActions } from './use-message-actions.js';
import { useSearch } from './use-search.js';
import { useSyncStatus } from './use-sync-status.js';

/**
 * The mailbox's state, kept while another view (the composer, the outbox, settings) is shown:
 * which list is shown and its folders, the list itself, the search, the open message, how up to
 * date it all is, and what can be done to messages.
 */
export function useMailbox(client: ContractClient, accounts: Accounts, status: StatusLineModel, onError: (error: AppErrorDto | undefined) => void) {
  const { accountId } = accounts;
  const folders = useFolders(client, accounts.accounts, accountId, onError);
  const { folderPath, allInboxes, shown } = folders;
  const list = useMailboxList(client, { accountId, folderPath, allInboxes, shown }, onError);
  const search = useSearch(client, { accountId, allInboxes }, onError);
  const reader = useOpenedMessage(client, {
    accountId,
    folderPath,
    allInboxes,
    messages: list.messages,
    results: search.results,
    onRead: ({ accountId: inAccount, folder, uid, wasUnread, isIt }) => {
      if (wasUnread) folders.countRead(inAccount, folder);
      list.markRead(isIt);
      search.markRead(inAccount, folder, uid);
    },
    onError,
  });
  const reload = () => Promise.all([list.refresh(), folders.load()]);
  const sync = useSyncStatus(client, { accountIds: accounts.accounts.map((a) => a.id), accountId, folders, reload, onError });
  // What the keyboard shortcuts ask of the list and the search box.
  const listApi = useRef<MessageListHandle>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const actions = useMessageActions(client, { accountId, folders, reader, listApi, status, onError });
  return { folders, list, search, reader, sync, actions, reload, listApi, searchBox };
}

export type Mailbox = ReturnType<typeof useMailbox>;
