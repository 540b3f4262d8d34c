import { useId, useRef, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { Account } from '../../../shared/schemas.js';
import { useStackedLayout } from '../layout/use-stacked-layout.js';
import { AllInboxesButton, inboxesUnread } from '../mailbox/AllInboxes.js';
import { FolderList } from '../mailbox/FolderList.js';
import type { FoldersModel } from '../mailbox/use-folders.js';
import { NewMailNotifications } from '../notifications/NewMailNotifications.js';
import { DomainCheck } from './DomainCheck.js';
import { RemoveAccount } from './RemoveAccount.js';
import type { Accounts } from './use-accounts.js';

type Props = {
  client: ContractClient;
  accounts: Accounts;
  folders: FoldersModel;
  /** The mailbox is the view shown (All inboxes is marked current only then). */
  inMailbox: boolean;
  onAllInboxes: () => void;
  onAccount: (accountId: string) => void;
  onFolder: (path: string) => void;
  onAddAccount: () => void;
  onAccountSettings: () => void;
  onRemoved: (account: Account) => void;
};

/**
 * The sidebar: All inboxes (with more than one account), each account with the chosen one's
 * folders, and what can be done to accounts (add, settings, the domain's check, remove).
 *
 * Where the panes stack (a narrow window, 200% zoom) all of it would stand above the mail, a
 * screen or more to scroll past: there it folds away behind a "Folders" button, folded at first
 * and again once a folder (or a view in the main area) is chosen, so the list is right below.
 * Side by side it is always open and the button is not there.
 */
export function AccountsSidebar({ client, accounts, folders, inMailbox, onAllInboxes, onAccount, onFolder, onAddAccount, onAccountSettings, onRemoved }: Props) {
  const { account, accountId } = accounts;
  const { allInboxes } = folders;
  const stacked = useStackedLayout();
  const [unfolded, setUnfolded] = useState(false);
  const bodyId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const open = !stacked || unfolded;
  /** Stacked, a choice that shows something in the main area folds the sidebar away (focus stays on its button). */
  const thenFold =
    <A extends unknown[]>(act: (...args: A) => void) =>
    (...args: A) => {
      act(...args);
      if (!stacked) return;
      setUnfolded(false);
      toggle.current?.focus();
    };
  return (
    <nav className="sidebar" aria-label="Accounts">
      <h1>Mua Mail</h1>
      {stacked ? (
        <button ref={toggle} type="button" className="folders-toggle" aria-expanded={unfolded} aria-controls={bodyId} onClick={() => setUnfolded((now) => !now)}>
          <span aria-hidden="true">{unfolded ? '▾' : '▸'}</span> Folders
        </button>
      ) : null}
      <div id={bodyId} className="sidebar-body" hidden={!open}>
        {accounts.accounts.length > 1 ? (
          <AllInboxesButton unread={inboxesUnread(folders.everyFolders)} current={allInboxes && inMailbox} onSelect={thenFold(onAllInboxes)} />
        ) : null}
        <ul className="account-list">
          {accounts.accounts.map((a) => (
            <li key={a.id}>
              <button type="button" aria-pressed={a.id === accountId} onClick={() => onAccount(a.id)}>
                {a.email}
              </button>
              {a.id === accountId ? <FolderList folders={folders.folders} selectedPath={allInboxes ? '' : folders.folderPath} onSelect={thenFold(onFolder)} /> : null}
            </li>
          ))}
        </ul>
        <button type="button" onClick={thenFold(onAddAccount)}>
          Add account
        </button>
        {account ? (
          <button type="button" onClick={thenFold(onAccountSettings)}>
            Account settings
          </button>
        ) : null}
        {account ? <DomainCheck key={`domain-${account.id}`} client={client} account={account} /> : null}
        <NewMailNotifications client={client} accounts={accounts.accounts} />
        {account ? <RemoveAccount key={account.id} client={client} account={account} onRemoved={() => onRemoved(account)} /> : null}
      </div>
    </nav>
  );
}
