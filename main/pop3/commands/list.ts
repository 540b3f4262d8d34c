import type { Pop3Connection } from '../pop3-connection.js';
import { messageNumber, parseCount } from './message-number.js';

/** A message of this session and its size in octets (as the server counts them, CRLF included). */
export type Pop3ListEntry = { number: number; size: number };

function parseEntry(connection: Pop3Connection, line: string): Pop3ListEntry {
  const [number, size] = line.trim().split(/\s+/).map(parseCount);
  if (number === undefined || number < 1 || size === undefined) {
    throw connection.violation('The POP3 server sent a LIST line the app does not understand.', line);
  }
  return { number, size };
}

/** LIST: every message not marked as deleted, in the server's order. */
export async function list(connection: Pop3Connection): Promise<Pop3ListEntry[]> {
  await connection.command('LIST');
  return (await connection.readLines()).map((line) => parseEntry(connection, line));
}

/** LIST n: one message; -ERR (no such message, or deleted) is SERVER_ERROR with the server's text. */
export async function listOne(connection: Pop3Connection, n: number): Promise<Pop3ListEntry> {
  return parseEntry(connection, await connection.command(`LIST ${messageNumber(n)}`, 'LIST'));
}
