import type { Pop3Connection } from '../pop3-connection.js';
import { saslAuthenticate } from './sasl.js';

/** AUTH PLAIN (RFC 4616 over RFC 5034): no authorization identity, then user and password. */
export function authPlain(connection: Pop3Connection, user: string, password: string): Promise<void> {
  const response = Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
  return saslAuthenticate(connection, 'PLAIN', response);
}
