import type { Pop3Connection } from '../pop3-connection.js';
import { saslAuthenticate } from './sasl.js';

/** The XOAUTH2 client response (Google's and Microsoft's SASL mechanism for OAuth 2.0 tokens). */
export function xoauth2Response(user: string, accessToken: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8').toString('base64');
}

/** AUTH XOAUTH2 with an access token. */
export function authXoauth2(connection: Pop3Connection, user: string, accessToken: string): Promise<void> {
  return saslAuthenticate(connection, 'XOAUTH2', xoauth2Response(user, accessToken));
}
