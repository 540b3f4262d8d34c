import type { Pop3Connection } from '../pop3-connection.js';

/**
 * QUIT: ends the session; in the TRANSACTION state the server now removes the messages marked
 * with DELE (RFC 1939 §6). A -ERR here means some were not removed: SERVER_ERROR with its text.
 * The connection is closed either way.
 */
export async function quit(connection: Pop3Connection): Promise<void> {
  try {
    await connection.command('QUIT');
  } finally {
    connection.destroy();
  }
}
