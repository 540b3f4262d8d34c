import type { Pop3Connection } from '../pop3-connection.js';
import { tlsRequired } from '../pop3-errors.js';
import type { Pop3Capabilities } from './capa.js';

/**
 * STLS (RFC 2595): switches to verified TLS or fails with TLS_REQUIRED. A server whose CAPA
 * leaves STLS out is not asked at all; one without CAPA is asked and must answer +OK.
 */
export async function stls(connection: Pop3Connection, capabilities: Pop3Capabilities | undefined): Promise<void> {
  const where = { host: connection.host, port: connection.port };
  if (capabilities && !capabilities.has('STLS')) throw tlsRequired(where);
  const status = await connection.exchange('STLS');
  if (status.kind !== 'ok') throw tlsRequired(where, status.text);
  await connection.upgradeToTls();
}
