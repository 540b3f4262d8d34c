import type { Pop3Connection } from '../pop3-connection.js';

/** NOOP: keeps the session alive and proves the server still answers. */
export async function noop(connection: Pop3Connection): Promise<void> {
  await connection.command('NOOP');
}
