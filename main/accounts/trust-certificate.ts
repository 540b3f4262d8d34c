import { AppError } from '../../shared/errors.js';
import type { ParsedInput } from '../../shared/contract.js';
import type { Account, PinnedCertificate } from '../../shared/schemas.js';
import { imapProbeTarget, imapServerOf } from '../imap/connect.js';
import type { ProbeTarget } from '../net/peer-certificate.js';
import { pop3ProbeTarget, pop3ServerOf } from '../pop3/pop3-account.js';
import { probePeerCertificate } from '../net/peer-certificate.js';
import { normalizeFingerprint } from '../net/tls-options.js';
import { untrustedCertificateError, type CertificateProbe } from '../net/untrusted-certificate.js';
import { smtpProbeTarget } from '../smtp/transport-options.js';
import type { AccountSettings } from './settings-store.js';

/**
 * accounts.trustCertificate: pins the certificate a person approved for one server of one
 * account. The server is asked again for its certificate (see net/peer-certificate.ts), and the
 * pin is stored only if it still presents exactly the certificate whose fingerprint the person
 * saw; otherwise nothing changes. The pin lives with that account's server settings and is used
 * for that host only (net/tls-options.ts); verification stays on for everything else.
 */
export async function trustCertificate(
  settings: AccountSettings,
  { accountId, protocol, host, fingerprint256 }: ParsedInput<'accounts.trustCertificate'>,
  probe: CertificateProbe = probePeerCertificate,
): Promise<Account> {
  const account = settings.get(accountId);
  if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
  const target = probeTargetOf(account, protocol);
  if (!target) {
    throw new AppError('INVALID_ARGUMENT', {
      message: 'This account sends without encryption, so there is no certificate to trust.',
    });
  }
  if (host !== undefined && host.toLowerCase() !== target.host.trim().toLowerCase()) {
    // A certificate is trusted for the server it was shown for, never carried over to another.
    throw new AppError('INVALID_ARGUMENT', {
      message: `You trusted the certificate of ${host}, but this account’s ${protocol.toUpperCase()} server is now ${target.host}, so nothing was trusted. Connect to ${target.host} to see its own certificate.`,
      details: { host: target.host, trustedHost: host, protocol },
    });
  }
  const live = await probe(target);
  if (normalizeFingerprint(live.fingerprint256) !== normalizeFingerprint(fingerprint256)) {
    throw untrustedCertificateError(live, target, live.reason ?? 'untrusted', {
      message: `${target.host} now presents a different certificate from the one you approved, so nothing was trusted. Compare the new fingerprint with your provider’s before you trust it.`,
    });
  }
  const now = Date.now();
  if (Date.parse(live.validTo) < now || Date.parse(live.validFrom) > now) {
    // OpenSSL checks the dates of a pinned certificate too, so a pin would not help.
    throw untrustedCertificateError(live, target, Date.parse(live.validTo) < now ? 'expired' : 'not-yet-valid', {
      message: `The certificate of ${target.host} is valid only from ${live.validFrom} to ${live.validTo}, so trusting it would not help. Check this computer’s date and time, or ask your provider to renew it.`,
    });
  }
  const pinnedCertificate: PinnedCertificate = { host: target.host, fingerprint256: live.fingerprint256, pem: live.pem };
  const updated: Account =
    protocol === 'smtp'
      ? { ...account, smtp: { ...account.smtp, pinnedCertificate } }
      : protocol === 'pop3'
        ? { ...account, pop3: { ...pop3ServerOf(account), pinnedCertificate } }
        : { ...account, imap: { ...imapServerOf(account), pinnedCertificate } };
  settings.save(updated);
  return updated;
}

function probeTargetOf(account: Account, protocol: 'smtp' | 'imap' | 'pop3'): ProbeTarget | undefined {
  if (protocol === 'smtp') return smtpProbeTarget(account);
  if (protocol === 'pop3') return pop3ProbeTarget(account);
  return imapProbeTarget(account);
}
