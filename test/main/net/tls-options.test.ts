import { afterEach, describe, expect, it } from 'vitest';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { verifiedTlsOptions } from '../../../main/net/tls-options.js';
import { networkError } from '../../../main/net/network-errors.js';
import { certificateAuthority, issue, selfSignedCertificate, type TestCertificate } from '../../support/certificates.js';
import type { PinnedCertificate } from '../../../shared/schemas.js';

/**
 * What a pinned certificate does to verification, connection by connection, against TLS servers
 * on loopback: exactly the pinned certificate is accepted, for its host only, with verification on.
 */
let servers: tls.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  servers = [];
});

async function serve(key: string, chain: string): Promise<number> {
  const server = tls.createServer({ key, cert: chain }, (socket) => {
    socket.on('error', () => {});
    socket.end('* OK ready\r\n');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function pinOf(cert: TestCertificate, host = '127.0.0.1'): PinnedCertificate {
  return { host, fingerprint256: cert.fingerprint256, pem: cert.cert };
}

/** Connects as the app does; resolves 'trusted' or the reason the app would report. */
function connect(port: number, pin?: PinnedCertificate, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, ...verifiedTlsOptions(host, pin) }, () => {
      resolve(socket.authorized ? 'trusted' : 'not authorized');
      socket.destroy();
    });
    socket.on('error', (error) => resolve(networkError(error, host, port)?.details?.reason ?? String(error)));
  });
}

describe('a pinned certificate', () => {
  const selfSigned = selfSignedCertificate('self.example.test');
  const selfSignedLeaf = selfSignedCertificate('leaf.example.test', { leaf: true });
  const unknownCa = certificateAuthority('Unknown Test CA');
  const fromUnknownCa = unknownCa.issue('issued.example.test');

  it('is refused without the pin, each for its own reason', async () => {
    expect(await connect(await serve(selfSigned.key, selfSigned.cert))).toBe('self-signed');
    expect(await connect(await serve(fromUnknownCa.key, fromUnknownCa.cert))).toBe('unknown-issuer');
  });

  it('is accepted when self-signed (CA:TRUE or CA:FALSE), although its name is not the host', async () => {
    expect(await connect(await serve(selfSigned.key, selfSigned.cert), pinOf(selfSigned))).toBe('trusted');
    expect(await connect(await serve(selfSignedLeaf.key, selfSignedLeaf.cert), pinOf(selfSignedLeaf))).toBe('trusted');
  });

  it('is accepted when issued by an unknown CA, whether the server sends that CA or not', async () => {
    expect(await connect(await serve(fromUnknownCa.key, fromUnknownCa.cert), pinOf(fromUnknownCa))).toBe('trusted');
    expect(await connect(await serve(fromUnknownCa.key, fromUnknownCa.cert + unknownCa.cert), pinOf(fromUnknownCa))).toBe(
      'trusted',
    );
  });

  it('does not make another certificate trusted, not even one with the same name', async () => {
    const other = selfSignedCertificate('self.example.test');
    expect(await connect(await serve(other.key, other.cert), pinOf(selfSigned))).toBe('self-signed');
    const sibling = unknownCa.issue('issued.example.test');
    expect(await connect(await serve(sibling.key, sibling.cert), pinOf(fromUnknownCa))).toBe('unknown-issuer');
  });

  it('is trusted as the server’s own certificate only, never as the issuer of another', async () => {
    // A self-signed certificate with CA:TRUE could sign others; its pin must not vouch for them.
    const signedByPinned = issue(selfSigned, '127.0.0.1', 'IP:127.0.0.1');
    expect(await connect(await serve(signedByPinned.key, signedByPinned.cert), pinOf(selfSigned))).toBe('untrusted');
  });

  it('counts for the host it was pinned for only', async () => {
    const port = await serve(selfSigned.key, selfSigned.cert);
    expect(await connect(port, pinOf(selfSigned, 'mail.example.test'))).toBe('self-signed');
    expect(await connect(port, pinOf(selfSigned, 'localhost'), 'localhost')).toBe('trusted');
  });

  it('leaves the certificates Node trusts by default trusted (the test bed CA, through NODE_EXTRA_CA_CERTS)', () => {
    const options = verifiedTlsOptions('127.0.0.1', pinOf(selfSigned));
    expect(options.rejectUnauthorized).toBe(true);
    const ca = options.ca as string[];
    expect(ca).toContain(selfSigned.cert);
    expect(ca.length).toBeGreaterThan(tls.rootCertificates.length);
    expect(verifiedTlsOptions('127.0.0.1')).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });
});
