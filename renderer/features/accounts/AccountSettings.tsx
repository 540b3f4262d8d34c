import type { ContractClient } from '../../../shared/contract.js';
import type { Account } from '../../../shared/schemas.js';
import { AccountForm } from './AccountForm.js';
import { formValuesOf } from './account-form-values.js';
import { IdentitiesEditor } from './IdentitiesEditor.js';

/** "Account settings": the account's servers, editable (accounts.update), and who it sends as. */
export function AccountSettings({ client, account, onSaved, onClose }: { client: ContractClient; account: Account; onSaved: (account: Account) => void; onClose: () => void }) {
  return (
    <div className="account-settings">
      <AccountForm
        key={account.id}
        client={client}
        editing={account}
        initial={formValuesOf(account)}
        title={`Account settings: ${account.email}`}
        onSaved={onSaved}
        onCancel={onClose}
      />
      <IdentitiesEditor client={client} accountId={account.id} />
    </div>
  );
}
