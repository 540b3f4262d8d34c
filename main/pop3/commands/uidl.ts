import type { Pop3Connection } from '../pop3-connection.js';
import { errReply, protocolError } from '../pop3-errors.js';
import { messageNumber, parseCount } from './message-number.js';

/**
 * A message of this session and its unique-id listing: the only identity of a message that
 * lasts across sessions (RFC 1939 §7: 1 to 70 printable characters 0x21–0x7E).
 */
export type Pop3UidlEntry = { number: number; uid: string };

function parseEntry(connection: Pop3Connection, line: string): Pop3UidlEntry {
  const match = /^(\d{1,15})[ \t]+([\x21-\x7e]{1,70})$/.exec(line.trim());
  const number = parseCount(match?.[1]);
  if (!match || number === undefined || number < 1) {
    throw connection.violation('The POP3 server sent a UIDL line the app does not understand.', line);
  }
  return { number, uid: match[2]! };
}

function unsupported(connection: Pop3Connection, serverText: string) {
  return protocolError(
    { host: connection.host, port: connection.port },
    'uidl-unsupported',
    'The POP3 server does not support UIDL, so messages cannot be left on the server without being downloaded again.',
    serverText,
  );
}

/** UIDL: every message's unique id. A -ERR means the server has no UIDL (see isUidlUnsupported). */
export async function uidl(connection: Pop3Connection): Promise<Pop3UidlEntry[]> {
  const status = await connection.exchange('UIDL');
  if (status.kind !== 'ok') throw unsupported(connection, status.text);
  const entries = (await connection.readLines()).map((line) => parseEntry(connection, line));
  const seen = new Set<string>();
  for (const { uid } of entries) {
    // Two messages with one id would make one of them invisible to a download by UID.
    if (seen.has(uid)) throw connection.violation('The POP3 server listed the same unique id twice.', uid);
    seen.add(uid);
  }
  return entries;
}

/** UIDL n: one message's unique id; -ERR (no such message) is SERVER_ERROR with the server's text. */
export async function uidlOne(connection: Pop3Connection, n: number): Promise<Pop3UidlEntry> {
  const status = await connection.exchange(`UIDL ${messageNumber(n)}`);
  if (status.kind !== 'ok') throw errReply({ host: connection.host, port: connection.port }, 'UIDL', status.text);
  return parseEntry(connection, status.text);
}
