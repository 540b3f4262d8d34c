import type { Pop3Connection } from '../pop3-connection.js';

/** RSET: unmarks every message marked as deleted in this session. */
export async function rset(connection: Pop3Connection): Promise<void> {
  await connection.command('RSET');
}
