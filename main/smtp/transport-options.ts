import { domainToASCII } from 'node:url';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { Account } from '../../shared/schemas.js';
import type { ProbeTarget } from '../net/peer-certificate.js';
import { verifiedTlsOptions } from '../net/tls-options.js';

/**
 * Turns an account's outgoing settings into nodemailer options. The rules that keep mail from
 * leaking are here: STARTTLS is required (never "opportunistic"), certificates are always
 * verified (a certificate the person pinned for this host included, see net/tls-options.ts), and
 * TLS below 1.2 is refused. Only an account that says 'none' in as many words goes without
 * encryption, and then never attempts TLS at all (`ignoreTLS`), rather than sometimes.
 */
export function smtpTransportOptions(account: Account, password: string): SMTPTransportOptions {
  const { host, port, security, pinnedCertificate } = account.smtp;
  return {
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    opportunisticTLS: false,
    auth: smtpAuth(account, password),
    tls: { ...verifiedTlsOptions(host, pinnedCertificate), servername: isIp(host) ? undefined : host },
    name: clientName(account.email),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  };
}

/** The SMTP login name: the outgoing server's own, else the account's user name, else the address. */
export function smtpLoginOf(account: Pick<Account, 'email' | 'username' | 'smtp'>): string {
  return account.smtp.username ?? account.username ?? account.email;
}

/** Where the certificate probe goes after a TLS_UNTRUSTED: the same server, the same way. */
export function smtpProbeTarget(account: Account): ProbeTarget | undefined {
  const { host, port, security } = account.smtp;
  if (security === 'none') return undefined;
  return { protocol: 'smtp', host, port, security, clientName: clientName(account.email) };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/**
 * The EHLO name: the sender's domain rather than this machine's name, which would leak it. An
 * internationalized domain goes as its A-label: EHLO takes only ASCII.
 */
function clientName(email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return domainToASCII(domain) || 'localhost';
}

/**
 * The AUTH the account asks for. 'auto' (or absent) leaves the choice to nodemailer, which takes
 * the first of PLAIN, LOGIN, CRAM-MD5 the server lists in its EHLO AUTH line (and sends no AUTH
 * when the server lists none); a named method is used whatever the server lists, so a refusal
 * comes back as AUTH_FAILED with the server's reply. XOAUTH2 sends the stored secret as the
 * access token (no refresh token is kept, so nodemailer cannot fetch another one). 'none': no
 * AUTH at all.
 */
function smtpAuth(account: Account, secret: string): SMTPTransportOptions['auth'] {
  const user = smtpLoginOf(account);
  // An OAuth account's secret is a current access token (main/accounts/oauth/oauth-tokens.ts): always XOAUTH2.
  if (account.auth === 'oauth2') return { type: 'OAuth2', user, accessToken: secret };
  const method = account.smtp.authMethod ?? 'auto';
  switch (method) {
    case 'none':
      return undefined;
    case 'auto':
      return { user, pass: secret };
    case 'XOAUTH2':
      return { type: 'OAuth2', user, accessToken: secret };
    default:
      return { type: 'login', user, pass: secret, method };
  }
}
