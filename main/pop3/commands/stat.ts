import type { Pop3Connection } from '../pop3-connection.js';
import { parseCount } from './message-number.js';

export type Pop3Stat = { count: number; size: number };

/** STAT: the number of messages in the maildrop and their total size in octets. */
export async function stat(connection: Pop3Connection): Promise<Pop3Stat> {
  const text = await connection.command('STAT');
  const [count, size] = text.split(/\s+/).map(parseCount);
  if (count === undefined || size === undefined) throw connection.violation('The POP3 server sent a STAT reply the app does not understand.', text);
  return { count, size };
}
