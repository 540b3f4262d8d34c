import { readFileSync } from 'node:fs';
import tls, { type ConnectionOptions, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import type { PinnedCertificate } from '../../shared/schemas.js';

/**
 * The TLS options of every connection to a mail server (SMTP and IMAP alike). Verification is
 * always on and TLS below 1.2 is refused. There is no switch that turns verification off.
 *
 * A certificate the person pinned for this host (accounts.trustCertificate) is trusted as well,
 * and only that certificate, with verification still on:
 * - its PEM joins the trusted certificates (`ca`), and `allowPartialTrustChain` lets OpenSSL end
 *   the chain at it. That is what makes a self-signed leaf verify, and a leaf from an unknown CA
 *   (with or without that CA in the chain the server sends), since the pinned leaf itself is then
 *   the trust anchor. `ca` replaces Node's default list, so the defaults go in with it
 *   (`tls.rootCertificates` and NODE_EXTRA_CA_CERTS, or `tls.getCACertificates('default')` where the
 *   runtime has it), and a server that later moves to a properly issued certificate still works.
 * - `checkServerIdentity` accepts the pinned certificate by fingerprint, also when its names do not
 *   include the host (the "issued for another name" case). Node calls it only after the chain has
 *   verified. Any other certificate gets Node's own name check, unchanged.
 * - the pinned certificate is trusted as a leaf only: a chain that uses it as the issuer of
 *   another certificate (a self-signed pin with CA:TRUE could sign one) is refused.
 * Not supported, failing closed with TLS_UNTRUSTED: a pinned certificate that has expired or is not
 * yet valid (OpenSSL checks the dates of the trust anchor too), and a pin for another host.
 */
export function verifiedTlsOptions(host: string, pin?: PinnedCertificate): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  if (!pin || !sameHost(pin.host, host)) return options;
  return {
    ...options,
    ca: [...defaultCaCertificates(), pin.pem],
    allowPartialTrustChain: true,
    checkServerIdentity: (hostname, cert) => checkPinnedIdentity(pin, hostname, cert),
  };
}

export function checkPinnedIdentity(pin: PinnedCertificate, hostname: string, cert: PeerCertificate): Error | undefined {
  const pinned = normalizeFingerprint(pin.fingerprint256);
  const leaf = normalizeFingerprint(cert.fingerprint256);
  for (const issuer of issuersOf(cert as DetailedPeerCertificate)) {
    if (normalizeFingerprint(issuer.fingerprint256) === pinned && leaf !== pinned) {
      return Object.assign(new Error('The pinned certificate may only be the server’s own certificate, not its issuer.'), {
        code: 'PINNED_CERTIFICATE_AS_ISSUER',
      });
    }
  }
  if (leaf === pinned) return undefined;
  return tls.checkServerIdentity(hostname, cert);
}

export function normalizeFingerprint(fingerprint: string | undefined): string {
  return (fingerprint ?? '').trim().toUpperCase();
}

function* issuersOf(cert: DetailedPeerCertificate): Generator<PeerCertificate> {
  let current = cert;
  for (let depth = 0; depth < 10; depth++) {
    const issuer = current.issuerCertificate;
    // A self-signed root names itself as its issuer; that is where the chain ends.
    if (!issuer || issuer === current || issuer.fingerprint256 === current.fingerprint256) return;
    yield issuer;
    current = issuer;
  }
}

function sameHost(a: string, b: string): boolean {
  return a.trim().toLowerCase().replace(/\.$/, '') === b.trim().toLowerCase().replace(/\.$/, '');
}

let defaults: string[] | undefined;

/** What Node trusts when no `ca` is given: its bundled roots plus NODE_EXTRA_CA_CERTS. */
function defaultCaCertificates(): string[] {
  if (defaults) return defaults;
  const getCACertificates = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  // Node 22.15+ reports the default set itself, including NODE_EXTRA_CA_CERTS and --use-system-ca.
  if (typeof getCACertificates === 'function') return (defaults = getCACertificates('default'));
  // Node 20 reads NODE_EXTRA_CA_CERTS once at start-up into a store that `ca` replaces, so read
  // the same file again here.
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  let extra: string[] = [];
  if (extraFile) {
    try {
      extra = readFileSync(extraFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    } catch {
      // Node itself only warns about an unreadable file; so do we, by trusting nothing extra.
    }
  }
  return (defaults = [...tls.rootCertificates, ...extra]);
}
