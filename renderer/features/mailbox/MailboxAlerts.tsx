import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { isPasswordMissing, isSignInRequired, PasswordPrompt, SignInPrompt } from '../accounts/PasswordPrompt.js';
import { trustCertificate } from '../accounts/trust-certificate.js';
import { SyncFailedAlert } from './SyncFailedAlert.js';

type Props = {
  client: ContractClient;
  /** The chosen account: a certificate trusted here is trusted for it. */
  accountId: string;
  /** A failed sync of the list on screen, said as where it failed (unless an error is shown already). */
  syncFailure: { where: string; error: AppErrorDto } | undefined;
  onRetrySync: () => void;
  error: AppErrorDto | undefined;
  /** A queued action the server refused: shown when there is no other error. */
  actionError: AppErrorDto | undefined;
  onError: (error: AppErrorDto | undefined) => void;
  /** Reads the list and the folders again, once the way out was taken. */
  reload: () => Promise<unknown>;
};

/**
 * What went wrong in the mailbox, each with its way out where it has one: a failed sync (Try
 * again), an untrusted certificate (Trust this certificate), a password that is missing or
 * unreadable (type it again), a sign-in the provider withdrew (Sign in again).
 */
export function MailboxAlerts({ client, accountId, syncFailure, onRetrySync, error, actionError, onError, reload }: Props) {
  const solved = () => {
    onError(undefined);
    void reload();
  };
  return (
    <>
      {syncFailure && !error ? <SyncFailedAlert where={syncFailure.where} error={syncFailure.error} onRetry={onRetrySync} /> : null}
      <ErrorAlert
        error={error ?? actionError}
        onTrustCertificate={(certificate) =>
          void trustCertificate(client, accountId, certificate, onError).then(async (trusted) => {
            if (trusted) await reload();
          })
        }
      />
      {isPasswordMissing(error) ? <PasswordPrompt client={client} accountId={error.details.accountId} onSaved={solved} /> : null}
      {isSignInRequired(error) ? <SignInPrompt client={client} accountId={error.details.accountId} onSignedIn={solved} /> : null}
    </>
  );
}
