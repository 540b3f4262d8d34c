import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import type { Account } from '../../shared/schemas.js';
import type { ProbeTarget } from '../net/peer-certificate.js';
import { verifiedTlsOptions } from '../net/tls-options.js';
import { withCertificateDetails } from '../net/untrusted-certificate.js';
import { imapError } from './imap-errors.js';

/** The account's IMAP server; a POP3 account has none, and asking is a bug in the caller. */
export function imapServerOf(account: Account): NonNullable<Account['imap']> {
  if (!account.imap) throw new AppError('INVALID_ARGUMENT', { message: 'This account fetches its mail by POP3, which cannot do that.' });
  return account.imap;
}

/**
 * The imapflow options for an account. STARTTLS, when chosen, is required (`doSTARTTLS: true`
 * fails rather than continuing in plaintext) and certificates are always verified (a certificate
 * the person pinned for this host included, see net/tls-options.ts).
 */
export function imapOptions(account: Account, password: string): ImapFlowOptions {
  const { host, port, security, pinnedCertificate } = imapServerOf(account);
  return {
    host,
    port,
    secure: security === 'tls',
    doSTARTTLS: security === 'starttls' ? true : undefined,
    // An OAuth account's secret is a current access token: imapflow sends it with AUTHENTICATE XOAUTH2 (or OAUTHBEARER).
    auth: account.auth === 'oauth2' ? { user: account.username ?? account.email, accessToken: password } : { user: account.username ?? account.email, pass: password },
    tls: verifiedTlsOptions(host, pinnedCertificate),
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableAutoIdle: true,
    // VANISHED instead of EXPUNGE, and CHANGEDSINCE ... VANISHED on a resync (RFC 7162).
    qresync: true,
    clientInfo: { name: 'Mua Mail' },
  };
}

/**
 * A fresh, logged-in connection. A failure comes out as a typed AppError; an untrusted
 * certificate with the certificate's facts, for the person to judge.
 */
export async function connectImap(account: Account, password: string, extra: Partial<ImapFlowOptions> = {}): Promise<ImapFlow> {
  const client = new ImapFlow({ ...imapOptions(account, password), ...extra });
  // An error event after a failed command must not crash the process; the command's own
  // rejection carries the failure to the caller.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.close();
    const server = imapServerOf(account);
    throw await withCertificateDetails(imapError(error, server.host, server.port), imapProbeTarget(account), server.pinnedCertificate);
  }
}

/** Runs `job` on a fresh, logged-in connection and always logs out, whatever happens. */
export async function withImap<T>(account: Account, password: string, job: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = await connectImap(account, password);
  try {
    return await job(client);
  } catch (error) {
    throw imapError(error, imapServerOf(account).host, imapServerOf(account).port);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Where the certificate probe goes after a TLS_UNTRUSTED: the same server, the same way. */
export function imapProbeTarget(account: Account): ProbeTarget {
  const { host, port, security } = imapServerOf(account);
  return { protocol: 'imap', host, port, security };
}
