import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Account } from '../../shared/schemas.js';
import { imapError } from './imap-errors.js';

/**
 * The imapflow options for an account. STARTTLS, when chosen, is required (`doSTARTTLS: true`
 * fails rather than continuing in plaintext) and certificates are always verified.
 */
export function imapOptions(account: Account, password: string): ImapFlowOptions {
  const { host, port, security } = account.imap;
  return {
    host,
    port,
    secure: security === 'tls',
    doSTARTTLS: security === 'starttls' ? true : undefined,
    auth: { user: account.email, pass: password },
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableAutoIdle: true,
    clientInfo: { name: 'Mua Mail' },
  };
}

/** Runs `job` on a fresh, logged-in connection and always logs out, whatever happens. */
export async function withImap<T>(account: Account, password: string, job: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow(imapOptions(account, password));
  // An error event after a failed command must not crash the process; the command's own
  // rejection carries the failure to the caller.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw imapError(error, account.imap.host, account.imap.port);
  }
  try {
    return await job(client);
  } catch (error) {
    throw imapError(error, account.imap.host, account.imap.port);
  } finally {
    await client.logout().catch(() => client.close());
  }
}
