import type { ReactNode } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account, OutgoingMessage } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import type { Accounts } from '../accounts/use-accounts.js';
import type { StatusLineModel } from '../status/use-status-line.js';
import { AccountSettings, Compose, OutboxView, SetupWizard } from '../../deferred/deferred-parts.js';
import type { Views } from './use-view.js';

type Props = {
  client: ContractClient;
  views: Views;
  accounts: Accounts;
  status: StatusLineModel;
  /** Shown when there is no account to show a mailbox of (the account list could not be read). */
  error: AppErrorDto | undefined;
  /** A message taken back from the outbox, to edit in the composer. */
  onEditOutgoing: (accountId: string, draft: OutgoingMessage, notice: string) => void;
  /** The mailbox of the chosen account. */
  mailbox: (account: Account) => ReactNode;
};

/** The main area: the view chosen (settings, the setup wizard, the outbox, the composer) or the mailbox. */
export function ViewRouter({ client, views, accounts, status, error, onEditOutgoing, mailbox }: Props) {
  const { view } = views;
  const { account } = accounts;
  const toMailbox = () => views.show('mailbox');
  if (view.kind === 'account-settings' && account) {
    return (
      <AccountSettings
        client={client}
        account={account}
        onSaved={(saved) => {
          accounts.updated(saved);
          toMailbox();
          status.notify(`Saved the settings of ${saved.email}.`);
        }}
        onClose={toMailbox}
      />
    );
  }
  if (view.kind === 'add-account') {
    return (
      <SetupWizard
        client={client}
        onSaved={(saved) => {
          accounts.added(saved);
          toMailbox();
          status.notify(`Added ${saved.email}.`);
        }}
        onCancel={accounts.accounts.length ? toMailbox : undefined}
      />
    );
  }
  if (view.kind === 'outbox') {
    return <OutboxView client={client} onClose={toMailbox} onEdit={(draft) => onEditOutgoing(draft.accountId, draft, 'Message taken back from the outbox. It was not sent.')} />;
  }
  if (view.kind === 'compose' && account) {
    return (
      <Compose
        client={client}
        account={account}
        initial={view.draft}
        onQueued={(item) => {
          toMailbox();
          status.queued(item);
        }}
        onDiscard={toMailbox}
      />
    );
  }
  return account ? mailbox(account) : <ErrorAlert error={error} />;
}
