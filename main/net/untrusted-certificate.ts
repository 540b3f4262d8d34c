import { AppError } from '../../shared/errors.js';
import type { PinnedCertificate } from '../../shared/schemas.js';
import type { TrustFailureReason } from './network-errors.js';
import { probePeerCertificate, type PeerCertificateInfo, type ProbeTarget } from './peer-certificate.js';
import { normalizeFingerprint } from './tls-options.js';

export type CertificateProbe = (target: ProbeTarget) => Promise<PeerCertificateInfo>;

const REASONS: Record<TrustFailureReason, string> = {
  'self-signed': 'it is self-signed, so no authority vouches for it',
  'unknown-issuer': 'it was issued by an authority this computer does not know',
  'hostname-mismatch': 'it was issued for another name than the server name you entered',
  expired: 'it has expired',
  'not-yet-valid': 'it is not valid yet (check this computer’s date and time)',
  revoked: 'it has been revoked',
  untrusted: 'it is not trusted',
};

/**
 * Gives a TLS_UNTRUSTED the facts of the certificate (fingerprint, subject, issuer, dates), read
 * by probing the server once more (see peer-certificate.ts), so the person can compare the
 * fingerprint with their provider's and trust exactly that certificate. Any other error, or a
 * probe that fails, passes through unchanged.
 */
export async function withCertificateDetails(
  error: AppError,
  target: ProbeTarget,
  pin?: PinnedCertificate,
  probe: CertificateProbe = probePeerCertificate,
): Promise<AppError> {
  if (error.code !== 'TLS_UNTRUSTED' || error.details?.fingerprint256) return error;
  let certificate: PeerCertificateInfo;
  try {
    certificate = await probe(target);
  } catch {
    return error;
  }
  const reason = (error.details?.reason as TrustFailureReason | undefined) ?? certificate.reason ?? 'untrusted';
  return untrustedCertificateError(certificate, target, reason, { pin, tlsCode: error.details?.tlsCode, cause: error });
}

/** The TLS_UNTRUSTED a person sees: what is wrong with the certificate, and what they can do. */
export function untrustedCertificateError(
  certificate: PeerCertificateInfo,
  target: ProbeTarget,
  reason: TrustFailureReason,
  options: { pin?: PinnedCertificate; tlsCode?: string; message?: string; cause?: unknown } = {},
): AppError {
  const { host, port, protocol } = target;
  const server = `${host} (${protocol.toUpperCase()}, port ${port})`;
  const changed =
    options.pin && normalizeFingerprint(options.pin.fingerprint256) !== normalizeFingerprint(certificate.fingerprint256);
  const message =
    options.message ??
    (changed
      ? `${server} now presents a different certificate from the one you trusted for this account, so the connection was stopped before anything was sent. If your provider confirms the new fingerprint, trust the new certificate; otherwise someone may be intercepting the connection.`
      : `The certificate of ${server} is not trusted: ${REASONS[reason]}. The connection was stopped before anything was sent. If your provider confirms this SHA-256 fingerprint, you can trust this certificate for this account; otherwise do not, since someone may be intercepting the connection.`);
  const details: Record<string, string> = {
    host,
    port: String(port),
    protocol,
    reason,
    fingerprint256: certificate.fingerprint256,
    subject: certificate.subject,
    issuer: certificate.issuer,
    validFrom: certificate.validFrom,
    validTo: certificate.validTo,
  };
  if (certificate.subjectAltName) details.subjectAltName = certificate.subjectAltName;
  if (options.tlsCode) details.tlsCode = options.tlsCode;
  if (changed) details.pinnedFingerprint256 = options.pin!.fingerprint256;
  return new AppError('TLS_UNTRUSTED', { message, details, cause: options.cause });
}
