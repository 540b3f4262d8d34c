import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors.js';
import type { Pop3Connection } from '../pop3-connection.js';
import { authFailed } from '../pop3-errors.js';

/** The timestamp of an APOP-capable greeting ("<1896.697170952@dbc.mtview.ca.us>"), or undefined. */
export function apopTimestamp(greeting: string): string | undefined {
  return /<[^<>\s]+@[^<>\s]+>/.exec(greeting)?.[0];
}

/** MD5 over the timestamp and the shared secret, lower-case hex (RFC 1939 §7). */
export function apopDigest(timestamp: string, password: string): string {
  return createHash('md5').update(timestamp + password, 'utf8').digest('hex');
}

/** APOP: proves the password without sending it; needs a timestamp in the greeting. */
export async function apop(connection: Pop3Connection, user: string, password: string, greeting: string): Promise<void> {
  const where = { host: connection.host, port: connection.port };
  const timestamp = apopTimestamp(greeting);
  if (!timestamp) {
    throw new AppError('AUTH_FAILED', {
      message: 'The POP3 server does not offer APOP (its greeting has no timestamp). Choose another sign-in method.',
      serverReply: greeting,
      details: { host: where.host, port: String(where.port) },
    });
  }
  const status = await connection.exchange(`APOP ${user} ${apopDigest(timestamp, password)}`);
  if (status.kind !== 'ok') throw authFailed(where, status.text, 'APOP');
}
