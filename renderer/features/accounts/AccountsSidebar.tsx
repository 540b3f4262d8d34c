import type { ContractClient } from '../../../shared/contract.js';
import type { Account } from '../../../shared/schemas.js';
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
 */
export function AccountsSidebar({ client, accounts, folders, inMailbox, onAllInboxes, onAccount, onFolder, onAddAccount, onAccountSettings, onRemoved }: Props) {
  const { account, accountId } = accounts;
  const { allInboxes } = folders;
  return (
    <nav className="sidebar" aria-label="Accounts">
      <h1>Mua Mail</h1>
      {accounts.accounts.length > 1 ? <AllInboxesButton unread={inboxesUnread(folders.everyFolders)} current={allInboxes && inMailbox} onSelect={onAllInboxes} /> : null}
      <ul className="account-list">
        {accounts.accounts.map((a) => (
          <li key={a.id}>
            <button type="button" aria-pressed={a.id === accountId} onClick={() => onAccount(a.id)}>
              {a.email}
            </button>
            {a.id === accountId ? <FolderList folders={folders.folders} selectedPath={allInboxes ? '' : folders.folderPath} onSelect={onFolder} /> : null}
          </li>
        ))}
      </ul>
      <button type="button" onClick={onAddAccount}>
        Add account
      </button>
      {account ? (
        <button type="button" onClick={onAccountSettings}>
          Account settings
        </button>
      ) : null}
      {account ? <DomainCheck key={`domain-${account.id}`} client={client} account={account} /> : null}
      <NewMailNotifications client={client} accounts={accounts.accounts} />
      {account ? <RemoveAccount key={account.id} client={client} account={account} onRemoved={() => onRemoved(account)} /> : null}
    </nav>
  );
}
