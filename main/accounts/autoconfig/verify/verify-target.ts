import { isIP } from 'node:net';
import type { DiscoveredAuthentication } from '../../../../shared/schemas.js';
import { probePeerCertificate, type PeerCertificateInfo, type ProbeTarget } from '../../../net/peer-certificate.js';

/** One server to log in to, and where to connect (its address when discovery's own DNS resolved it). */
export type VerifyTarget = {
  protocol: 'imap' | 'pop3' | 'smtp';
  host: string;
  port: number;
  security: 'tls' | 'starttls';
  authentication: DiscoveredAuthentication[];
  /** The host itself, or the address discovery's DNS gave for it. */
  connectTo: string;
  /** For connecting and for each answer; the libraries' own defaults (15 s) when absent. */
  timeoutMs?: number;
};

export type Login = { email: string; username: string; password: string };

/** The TLS name to present and check: the host's, even when the socket goes to its address. */
export function serverNameOf(target: VerifyTarget): string | undefined {
  return isIP(target.host) ? undefined : target.host;
}

/** Reads the certificate (after a TLS_UNTRUSTED) at the same address the login went to. */
export function certificateProbeAt(connectTo: string): (target: ProbeTarget) => Promise<PeerCertificateInfo> {
  return (target) => probePeerCertificate({ ...target, host: connectTo });
}
