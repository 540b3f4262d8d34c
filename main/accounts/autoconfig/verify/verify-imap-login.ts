import { ImapFlow } from 'imapflow';
import type { Account } from '../../../../shared/schemas.js';
import { imapOptions } from '../../../imap/connect.js';
import { imapError } from '../../../imap/imap-errors.js';
import { withCertificateDetails } from '../../../net/untrusted-certificate.js';
import { certificateProbeAt, serverNameOf, type Login, type VerifyTarget } from './verify-target.js';

/**
 * Logs in to an IMAP server and out again, with the options every account connection uses
 * (imap/connect.ts: verified TLS, STARTTLS required), so what works here works later.
 */
export async function verifyImapLogin(target: VerifyTarget, login: Login): Promise<void> {
  const { host, port, security } = target;
  const settings = { host, port, security };
  const account = { id: 'discovery', name: '', email: login.email, imap: settings, smtp: { ...settings, security }, sentCopy: 'append' } as Account;
  const servername = serverNameOf(target);
  const client = new ImapFlow({
    ...imapOptions(account, login.password),
    host: target.connectTo,
    ...(servername ? { servername } : {}),
    auth: { user: login.username, pass: login.password },
    socketTimeout: 30_000,
    ...(target.timeoutMs ? { connectionTimeout: target.timeoutMs, greetingTimeout: target.timeoutMs } : {}),
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw await withCertificateDetails(imapError(error, host, port), { protocol: 'imap', host, port, security }, undefined, certificateProbeAt(target.connectTo));
  }
  await client.logout().catch(() => client.close());
}
