import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key and certificate made with openssl for one test, with the facts a test compares against. */
export type TestCertificate = {
  key: string;
  cert: string;
  fingerprint256: string;
  /** As the app writes distinguished names: "KEY=value" joined by ", ". */
  subject: string;
  issuer: string;
};

function describe(key: string, cert: string): TestCertificate {
  const x509 = new X509Certificate(cert);
  return {
    key,
    cert,
    fingerprint256: x509.fingerprint256,
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
  };
}

function inTempDir<T>(job: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'mua-cert-'));
  try {
    return job(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A self-signed certificate. `leaf` makes it an end-entity certificate (CA:FALSE), as some
 * appliances make theirs; otherwise it is openssl's default (CA:TRUE), as most self-signed ones are.
 */
export function selfSignedCertificate(commonName: string, options: { sans?: string; leaf?: boolean } = {}): TestCertificate {
  return inTempDir((dir) => {
    const extensions = [`subjectAltName=${options.sans ?? `DNS:${commonName}`}`];
    if (options.leaf) extensions.push('basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth');
    openssl([
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
      '-subj', `/O=Mua Test/CN=${commonName}`,
      ...extensions.flatMap((e) => ['-addext', e]),
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    return describe(readFileSync(join(dir, 'key.pem'), 'utf8'), readFileSync(join(dir, 'cert.pem'), 'utf8'));
  });
}

/** A certificate authority no one trusts, and certificates it issues. */
export function certificateAuthority(name: string): TestCertificate & { issue(commonName: string): TestCertificate } {
  const ca = inTempDir((dir) => {
    openssl([
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
      '-subj', `/O=Mua Test/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    return describe(readFileSync(join(dir, 'key.pem'), 'utf8'), readFileSync(join(dir, 'cert.pem'), 'utf8'));
  });
  return { ...ca, issue: (commonName) => issue(ca, commonName) };
}

/** A server certificate for `commonName` signed by `ca` (any CA: a test one, or the test bed's). */
export function issue(ca: { key: string; cert: string }, commonName: string, sans = `DNS:${commonName}`): TestCertificate {
  return inTempDir((dir) => {
    writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    writeFileSync(
      join(dir, 'leaf.ext'),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`,
    );
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', `/O=Mua Test/CN=${commonName}`, '-keyout', join(dir, 'leaf.key'), '-out', join(dir, 'leaf.csr')]);
    openssl([
      'x509', '-req', '-sha256', '-days', '30', '-in', join(dir, 'leaf.csr'),
      '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-set_serial', `0x${Date.now().toString(16)}`,
      '-extfile', join(dir, 'leaf.ext'), '-out', join(dir, 'leaf.pem'),
    ]);
    return describe(readFileSync(join(dir, 'leaf.key'), 'utf8'), readFileSync(join(dir, 'leaf.pem'), 'utf8'));
  });
}

/**
 * Another spelling of an IPv4 loopback address that reaches the same listener but matches none
 * of a certificate's names: "127.0.0.1" becomes "127.1" (inet_aton's short form, which the
 * resolver accepts and node:net treats as a host name, not an IP address).
 */
export function aliasOf(ip: string): string {
  const [a, b, c, d] = ip.split('.');
  if (b !== '0' || c !== '0') throw new Error(`no short form for ${ip}`);
  return `${a}.${d}`;
}
