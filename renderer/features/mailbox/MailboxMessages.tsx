import { ListControls } from './ListControls.js';
import { MessageList } from './MessageList.js';
import type { Mailbox } from './use-mailbox.js';

/**
 * The rows under the search box: the search's results when there is a search (each says its
 * folder, and in All inboxes its account), else the list with its order and grouping (All
 * inboxes: each row says its account).
 */
export function MailboxMessages({ accountId, mailbox, accountName }: { accountId: string; mailbox: Mailbox; accountName: (accountId: string) => string }) {
  const { folders, list, search, reader, sync, actions, listApi } = mailbox;
  const { folderPath, allInboxes } = folders;
  const { opened } = reader;
  const selection = { handle: listApi, onSelectionChange: actions.setChosen, onSelectionAction: actions.actOnChosen };
  if (search.results) {
    return (
      <MessageList
        messages={search.results}
        folder={folderPath}
        selected={opened && { folder: opened.folder, uid: opened.message.uid, accountId: search.everyAccount ? opened.accountId : undefined }}
        onOpen={(m) => void reader.open(m.uid, m.folder ?? folderPath, m.accountId ?? accountId)}
        emptyText={null}
        folderName={(path, inAccount) => (inAccount ? folders.nameIn(inAccount, path) : folders.nameOf(path))}
        accountName={search.everyAccount ? accountName : undefined}
        {...selection}
      />
    );
  }
  return (
    <>
      {allInboxes ? null : <ListControls order={list.order} onChange={list.setOrder} />}
      {(sync.checking || list.loading) && list.messages.length === 0 ? <p>Loading…</p> : null}
      <MessageList
        key={allInboxes ? 'all-inboxes' : `${accountId}\u0000${folderPath}\u0000${list.order.sort}\u0000${list.order.threads}`}
        messages={list.messages}
        folder={folderPath}
        selected={opened && { folder: opened.folder, uid: opened.message.uid, accountId: allInboxes ? opened.accountId : undefined }}
        onOpen={(m) => void reader.open(m.uid, m.folder ?? folderPath, m.accountId ?? accountId)}
        accountName={allInboxes ? accountName : undefined}
        complete={list.complete}
        onEndReached={() => void list.loadMore()}
        loadThread={allInboxes ? undefined : list.loadThread}
        {...selection}
      />
    </>
  );
}
