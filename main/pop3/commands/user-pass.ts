import type { Pop3Connection } from '../pop3-connection.js';
import { authFailed } from '../pop3-errors.js';

/** USER and PASS (RFC 1939 §7). The caller makes sure the connection is TLS (or 'none' was chosen). */
export async function userPass(connection: Pop3Connection, user: string, password: string): Promise<void> {
  const where = { host: connection.host, port: connection.port };
  const named = await connection.exchange(`USER ${user}`);
  if (named.kind !== 'ok') throw authFailed(where, named.text, 'USER');
  const passed = await connection.exchange(`PASS ${password}`);
  if (passed.kind !== 'ok') throw authFailed(where, passed.text, 'PASS');
}
