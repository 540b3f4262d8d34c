import nodemailer from 'nodemailer';
import type { Account } from '../../../../shared/schemas.js';
import { withCertificateDetails } from '../../../net/untrusted-certificate.js';
import { smtpError } from '../../../smtp/smtp-errors.js';
import { smtpProbeTarget, smtpTransportOptions } from '../../../smtp/transport-options.js';
import { certificateProbeAt, serverNameOf, type Login, type VerifyTarget } from './verify-target.js';

/**
 * Authenticates to an SMTP server and sends nothing: nodemailer's verify() says EHLO, STARTTLS
 * where asked, AUTH, then QUIT. The options are those of every send (smtp/transport-options.ts).
 * A server that lists only CRAM-MD5 ("password-encrypted") gets CRAM-MD5, as the account would.
 */
export async function verifySmtpLogin(target: VerifyTarget, login: Login): Promise<void> {
  const { host, port, security } = target;
  const encryptedOnly = target.authentication.includes('password-encrypted') && !target.authentication.includes('password-cleartext');
  const smtp = { host, port, security, authMethod: encryptedOnly ? ('CRAM-MD5' as const) : ('auto' as const) };
  const account = { id: 'discovery', name: '', email: login.email, imap: { host, port, security: 'tls' }, smtp, sentCopy: 'append' } as Account;
  const options = smtpTransportOptions(account, login.password);
  const servername = serverNameOf(target);
  const auth = encryptedOnly
    ? { type: 'login' as const, user: login.username, pass: login.password, method: 'CRAM-MD5' }
    : { user: login.username, pass: login.password };
  const transport = nodemailer.createTransport({
    ...options,
    host: target.connectTo,
    auth,
    tls: { ...options.tls, ...(servername ? { servername } : {}) },
    ...(target.timeoutMs ? { connectionTimeout: target.timeoutMs, greetingTimeout: target.timeoutMs, socketTimeout: target.timeoutMs } : {}),
  });
  try {
    await transport.verify();
  } catch (error) {
    const probe = smtpProbeTarget(account) ?? { protocol: 'smtp' as const, host, port, security };
    throw await withCertificateDetails(smtpError(error, host, port), probe, undefined, certificateProbeAt(target.connectTo));
  } finally {
    transport.close();
  }
}
