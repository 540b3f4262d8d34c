import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { TrustableCertificate } from '../../components/ErrorAlert.js';

/**
 * Trusts exactly the certificate the person was shown, for that server of that account. Answers
 * whether it is trusted now; a refusal goes to `onError` (and a success clears the error shown).
 */
export async function trustCertificate(
  client: ContractClient,
  accountId: string,
  certificate: TrustableCertificate,
  onError: (error: AppErrorDto | undefined) => void,
): Promise<boolean> {
  const reply = await client.invoke('accounts.trustCertificate', { accountId, ...certificate });
  if (!reply.ok) {
    onError(reply.error);
    return false;
  }
  onError(undefined);
  return true;
}
