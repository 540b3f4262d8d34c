import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { Account } from '../../shared/schemas.js';

/**
 * Turns an account's outgoing settings into nodemailer options. The rules that keep mail from
 * leaking are here: STARTTLS is required (never "opportunistic"), certificates are always
 * verified, and TLS below 1.2 is refused.
 */
export function smtpTransportOptions(account: Account, password: string): SMTPTransportOptions {
  const { host, port, security } = account.smtp;
  return {
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: false,
    opportunisticTLS: false,
    auth: { user: account.email, pass: password },
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2', servername: isIp(host) ? undefined : host },
    name: clientName(account.email),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** The EHLO name: the sender's domain rather than this machine's name, which would leak it. */
function clientName(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1) || 'localhost';
}
