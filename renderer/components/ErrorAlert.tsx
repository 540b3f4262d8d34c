import type { AppErrorDto } from '../../shared/errors.js';

type Props = {
  error: AppErrorDto | undefined;
  /**
   * Offered when the error is an untrusted certificate the person may choose to trust (after
   * comparing its fingerprint with what the provider publishes): exactly that certificate, for
   * that server of that account.
   */
  onTrustCertificate?: (certificate: TrustableCertificate) => void;
};

/** The certificate an error showed: for that server (`host`, where the error names it) of that account. */
export type TrustableCertificate = { protocol: 'smtp' | 'imap' | 'pop3'; host?: string; fingerprint256: string };

/** Every error a person must see, in one place screen readers announce at once. */
export function ErrorAlert({ error, onTrustCertificate }: Props) {
  if (!error) return null;
  const certificate = trustableCertificate(error);
  return (
    <div role="alert" className="error-alert">
      <p>{error.message}</p>
      {error.serverReply ? <p className="server-reply">Server said: {error.serverReply}</p> : null}
      {certificate && onTrustCertificate ? (
        <div className="certificate">
          <dl aria-label="Certificate">
            <dt>Server</dt>
            <dd>
              {error.details?.host}:{error.details?.port}
            </dd>
            <dt>Issued to</dt>
            <dd>{error.details?.subject}</dd>
            <dt>Issued by</dt>
            <dd>{error.details?.issuer}</dd>
            <dt>Valid</dt>
            <dd>
              {error.details?.validFrom} – {error.details?.validTo}
            </dd>
            <dt>SHA-256 fingerprint</dt>
            <dd className="fingerprint">{certificate.fingerprint256}</dd>
          </dl>
          <button type="button" onClick={() => onTrustCertificate(certificate)}>
            Trust this certificate
          </button>
        </div>
      ) : null}
    </div>
  );
}

function trustableCertificate(error: AppErrorDto): TrustableCertificate | undefined {
  const protocol = error.details?.protocol;
  const fingerprint256 = error.details?.fingerprint256;
  const host = error.details?.host;
  if (error.code !== 'TLS_UNTRUSTED' || !fingerprint256 || (protocol !== 'smtp' && protocol !== 'imap' && protocol !== 'pop3')) return undefined;
  return { protocol, ...(host ? { host } : {}), fingerprint256 };
}
