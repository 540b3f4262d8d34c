import { useEffect, useState } from 'react';
import type { ContractClient, RequestOutput } from '../../../shared/contract.js';

type Status = RequestOutput<'app.status'>;

/**
 * What the person must know from the start: where passwords are kept when it is not the system
 * keychain (one line, a note), and a settings file that could not be used (an alert naming the
 * backup it was kept as).
 */
export function AppNotices({ client }: { client: ContractClient }) {
  const [status, setStatus] = useState<Status>();
  useEffect(() => {
    let live = true;
    client
      .invoke('app.status', {})
      .then((reply) => {
        if (live && reply.ok) setStatus(reply.value);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [client]);
  if (!status) return null;
  return (
    <>
      {status.settingsProblem ? (
        <div role="alert" className="error-alert settings-problem">
          <p>{status.settingsProblem.message}</p>
        </div>
      ) : null}
      {status.secretStorage.notice ? (
        <p role="note" className="secret-storage-notice">
          {status.secretStorage.notice}
        </p>
      ) : null}
    </>
  );
}
