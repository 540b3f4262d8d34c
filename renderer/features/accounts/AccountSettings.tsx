import type { ContractClient } from '../../../shared/contract.js';
import type { Account } from '../../../shared/schemas.js';
import { AccountForm } from './AccountForm.js';
import { formValuesOf } from './account-form-values.js';
import { IdentitiesEditor, useIdentities } from './IdentitiesEditor.js';

/**
 * "Account settings": one form, with one Save and one Cancel at its end: the account's servers
 * (accounts.update) and who it sends as (its identities, the one opened kept by the same Save).
 */
export function AccountSettings(props: Props) {
  // Another account's settings start afresh (no identity of the last one left open).
  return <AccountSettingsForm key={props.account.id} {...props} />;
}

type Props = { client: ContractClient; account: Account; onSaved: (account: Account) => void; onClose: () => void };

function AccountSettingsForm({ client, account, onSaved, onClose }: Props) {
  const identities = useIdentities(client, account.id);
  return (
    <div className="account-settings">
      <AccountForm
        client={client}
        editing={account}
        initial={formValuesOf(account)}
        title={`Account settings: ${account.email}`}
        onSaved={onSaved}
        onCancel={onClose}
        // The identity first: the account's update then finds it as edited (main's default
        // identity follows the account's name only while it was still just that).
        beforeSave={identities.savePending}
        more={<IdentitiesEditor model={identities} />}
      />
    </div>
  );
}
