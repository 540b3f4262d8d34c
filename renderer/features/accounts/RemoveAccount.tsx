import { useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';

/**
 * "Remove account", then a confirm step saying what goes: its password and the mail kept on this
 * computer (the server's copy stays). Only the confirmation calls accounts.remove.
 */
export function RemoveAccount({ client, account, onRemoved }: { client: ContractClient; account: Account; onRemoved: (accountId: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<AppErrorDto>();

  async function remove() {
    setRemoving(true);
    const reply = await client.invoke('accounts.remove', { accountId: account.id });
    setRemoving(false);
    if (!reply.ok) return setError(reply.error);
    setConfirming(false);
    onRemoved(account.id);
  }

  if (!confirming) {
    return (
      <button type="button" className="remove-account" onClick={() => setConfirming(true)}>
        Remove account
      </button>
    );
  }
  return (
    <div role="group" aria-label="Confirm removing the account" className="remove-account-confirm">
      <p>
        Remove {account.email}? Its password and the mail kept on this computer are deleted. The mail on the server is not touched.
      </p>
      <ErrorAlert error={error} />
      <button type="button" onClick={() => void remove()} disabled={removing}>
        Remove {account.email}
      </button>
      <button type="button" onClick={() => setConfirming(false)} disabled={removing}>
        Keep account
      </button>
    </div>
  );
}
