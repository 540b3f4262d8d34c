import type { Pop3Connection } from '../pop3-connection.js';
import { messageNumber } from './message-number.js';

/**
 * DELE n: marks the message as deleted. The server removes it only when the session ends with
 * QUIT; a dropped connection (or RSET) leaves it on the server.
 */
export async function dele(connection: Pop3Connection, n: number): Promise<void> {
  await connection.command(`DELE ${messageNumber(n)}`, 'DELE');
}
