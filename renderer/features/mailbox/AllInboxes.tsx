import { useCallback, useEffect, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { Account, Folder } from '../../../shared/schemas.js';

/**
 * Every account's folders (for All inboxes: the summed unread count, and the folders a message
 * of any account can be moved to), read with folders.list and again whenever main says an
 * account's folders or counts changed. Only while there is more than one account.
 */
export function useEveryAccountsFolders(client: ContractClient, accounts: readonly Account[]): Record<string, Folder[]> {
  const [folders, setFolders] = useState<Record<string, Folder[]>>({});
  const several = accounts.length > 1;
  const ids = accounts.map((a) => a.id).join('\u0000');
  const load = useCallback(
    async (accountId: string) => {
      const reply = await client.invoke('folders.list', { accountId }).catch(() => undefined);
      // A failure is said where the account's own list is shown; here the count just stays.
      if (reply?.ok) setFolders((all) => ({ ...all, [accountId]: reply.value }));
    },
    [client],
  );
  useEffect(() => {
    if (!several) return;
    const known = new Set(ids.split('\u0000'));
    setFolders((all) => Object.fromEntries(Object.entries(all).filter(([id]) => known.has(id))));
    for (const id of known) void load(id);
    return client.on('folders.changed', ({ accountId }) => {
      if (known.has(accountId)) void load(accountId);
    });
  }, [client, ids, several, load]);
  return several ? folders : {};
}

/** The unread messages of every account's Inbox, together. */
export function inboxesUnread(folders: Record<string, Folder[]>): number {
  return Object.values(folders).reduce((sum, list) => sum + (list.find((f) => f.role === 'inbox' || f.path === 'INBOX')?.unread ?? 0), 0);
}

/**
 * "All inboxes", at the top of the folder tree when there is more than one account: named with
 * its unread count in words, like a folder ("All inboxes, 5 unread").
 */
export function AllInboxesButton({ unread, current, onSelect }: { unread: number; current: boolean; onSelect: () => void }) {
  return (
    <nav aria-label="All accounts" className="all-inboxes">
      <ul className="folder-list">
        <li>
          <button
            type="button"
            aria-label={unread > 0 ? `All inboxes, ${unread} unread` : 'All inboxes'}
            aria-current={current ? 'true' : undefined}
            className={unread > 0 ? 'has-unread' : undefined}
            onClick={onSelect}
          >
            <span className="folder-name">All inboxes</span>
            {unread > 0 ? (
              <>
                {' '}
                <span className="unread-count">{unread}</span>
              </>
            ) : null}
          </button>
        </li>
      </ul>
    </nav>
  );
}
