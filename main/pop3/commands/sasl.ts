import type { Pop3Connection } from '../pop3-connection.js';
import { authFailed } from '../pop3-errors.js';

/** RFC 5034 §4: an AUTH command line stays within 255 octets, else the response goes separately. */
const MAX_AUTH_LINE = 255;

/**
 * One SASL exchange whose client response is known up front (PLAIN, XOAUTH2): with the initial
 * response on the AUTH line when it fits, else after the server's "+" continuation. A further
 * challenge is the server's way of explaining a failure (XOAUTH2 sends a JSON error): it is
 * answered with an empty line and the final -ERR keeps both texts.
 */
export async function saslAuthenticate(connection: Pop3Connection, mechanism: string, response: string): Promise<void> {
  const where = { host: connection.host, port: connection.port };
  const first = `AUTH ${mechanism} ${response}`;
  let status =
    first.length <= MAX_AUTH_LINE
      ? await connection.exchange(first, { continuation: true })
      : await connection.exchange(`AUTH ${mechanism}`, { continuation: true });
  let challenge = '';
  if (status.kind === 'continue' && first.length > MAX_AUTH_LINE) {
    connection.send(response);
    status = await connection.readStatus({ continuation: true });
  }
  if (status.kind === 'continue') {
    challenge = decodeChallenge(status.text);
    connection.send('');
    status = await connection.readStatus();
  }
  if (status.kind === 'ok') return;
  throw authFailed(where, challenge ? `${status.text} ${challenge}`.trim() : status.text, `AUTH ${mechanism}`);
}

function decodeChallenge(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
  return /^[\x20-\x7e\s]*$/.test(decoded) ? decoded : trimmed;
}
