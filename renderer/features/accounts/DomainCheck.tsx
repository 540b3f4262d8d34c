import { useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account, DomainCheck as DomainCheckResult } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';

/** "Check sender domain": what SPF and DMARC say about the account's SMTP server, as information only. */
export function DomainCheck({ client, account }: { client: ContractClient; account: Account }) {
  const [result, setResult] = useState<DomainCheckResult>();
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<AppErrorDto>();

  async function check() {
    setChecking(true);
    setError(undefined);
    const reply = await client.invoke('accounts.checkDomain', { accountId: account.id });
    setChecking(false);
    if (reply.ok) setResult(reply.value);
    else setError(reply.error);
  }

  return (
    <div className="domain-check">
      <button type="button" onClick={() => void check()} disabled={checking}>
        Check sender domain
      </button>
      <ErrorAlert error={error} />
      {result ? (
        <div role="status" aria-label={`Sender domain ${result.domain}`}>
          <p>SPF: {result.spf.explanation}</p>
          <p>DMARC: {result.dmarc.explanation}</p>
          {result.error ? <p>{result.error.message}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
