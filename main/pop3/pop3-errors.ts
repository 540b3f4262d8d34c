import { AppError } from '../../shared/errors.js';
import { networkError } from '../net/network-errors.js';

/**
 * The typed errors of the POP3 client. Every failure leaves main/pop3 as an AppError:
 * - a -ERR reply keeps the server's text in `serverReply` (and an RFC 2449 response code such as
 *   [AUTH], [IN-USE], [SYS/TEMP] in `details.responseCode`): AUTH_FAILED during authentication
 *   when it is about the credentials, SERVER_ERROR otherwise;
 * - a reply that breaks the protocol (garbage, an over-long line, plaintext injected before
 *   TLS) is SERVER_ERROR with `details.pop3` naming the violation (the closed set of codes has
 *   no protocol-error code of its own);
 * - DNS, TCP, TLS and timeout failures go through net/network-errors.ts like SMTP and IMAP.
 * `details.pop3` is what a caller tests (see isPop3Failure), never the message.
 */
export type Pop3Failure =
  /** A line that is neither +OK nor -ERR (nor a SASL continuation where one may come). */
  | 'protocol-violation'
  /** A response line longer than the client accepts. */
  | 'line-too-long'
  /** UIDL answered -ERR: message identity across sessions (leave on server) is impossible. */
  | 'uidl-unsupported'
  /** A TOP response larger than the client keeps in memory. */
  | 'response-too-large'
  /** Bytes after the +OK to STLS that arrived before the TLS handshake (injection). */
  | 'plaintext-injection'
  /** A -ERR reply to a command. */
  | 'err-reply'
  /** The server's greeting was not +OK. */
  | 'greeting-refused';

export function isPop3Failure(error: unknown, failure: Pop3Failure): error is AppError {
  return error instanceof AppError && error.details?.pop3 === failure;
}

/** UIDL is not supported by the server: the caller cannot leave messages on it. */
export function isUidlUnsupported(error: unknown): error is AppError {
  return isPop3Failure(error, 'uidl-unsupported');
}

type Place = { host: string; port: number };

const place = ({ host, port }: Place) => ({ host, port: String(port) });

/** At most this much of a server's line travels in an error (a garbage line may be huge). */
const MAX_QUOTED = 500;

export function quoted(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

/** RFC 2449 extended response code at the start of a -ERR text, e.g. "[AUTH]" or "[SYS/TEMP]". */
export function responseCode(text: string): string | undefined {
  return /^\[([A-Z0-9/-]+)\]/i.exec(text.trim())?.[1]?.toUpperCase();
}

export function protocolError(where: Place, failure: Pop3Failure, message: string, serverText?: string): AppError {
  return new AppError('SERVER_ERROR', {
    message,
    serverReply: serverText === undefined ? undefined : quoted(serverText),
    details: { ...place(where), pop3: failure },
  });
}

/** A -ERR reply to an ordinary command. */
export function errReply(where: Place, command: string, serverText: string): AppError {
  const code = responseCode(serverText);
  return new AppError('SERVER_ERROR', {
    message: serverText ? `The POP3 server refused ${command}: ${quoted(serverText)}` : `The POP3 server refused ${command}.`,
    serverReply: quoted(serverText),
    details: { ...place(where), pop3: 'err-reply', command, ...(code ? { responseCode: code } : {}) },
  });
}

/**
 * A -ERR during authentication. RFC 2449/3206 codes that say the credentials were fine but the
 * mailbox cannot be opened now ([IN-USE], [LOGIN-DELAY], [SYS/...]) stay SERVER_ERROR, so the
 * app does not ask for a new password when the server is only busy.
 */
export function authFailed(where: Place, serverText: string, command = 'AUTH'): AppError {
  const code = responseCode(serverText);
  if (code && (code === 'IN-USE' || code === 'LOGIN-DELAY' || code.startsWith('SYS'))) return errReply(where, command, serverText);
  return new AppError('AUTH_FAILED', {
    serverReply: quoted(serverText),
    details: { ...place(where), ...(code ? { responseCode: code } : {}) },
  });
}

export function tlsRequired(where: Place, serverText?: string): AppError {
  return new AppError('TLS_REQUIRED', {
    message: `${where.host} did not set up a secure connection (STLS), so the password was not sent. Check the security setting or the port.`,
    serverReply: serverText === undefined ? undefined : quoted(serverText),
    details: place(where),
  });
}

export function timeoutError(where: Place, phase: 'connect' | 'greeting' | 'read'): AppError {
  const what = { connect: 'accept the connection', greeting: 'greet', read: 'answer' }[phase];
  return new AppError('TIMEOUT', {
    message: `The POP3 server ${where.host} did not ${what} in time. Check your connection and try again.`,
    details: { ...place(where), phase },
  });
}

export function connectionLost(where: Place, cause?: unknown): AppError {
  return new AppError('CONNECTION_LOST', { details: place(where), cause });
}

/**
 * Any failure as an AppError: ours pass through; socket errors are mapped as for SMTP and IMAP;
 * a file-system error (the disk a message is written to) is INTERNAL with its reason; anything
 * else is `fallback` (CONNECTION_LOST for a socket's own errors).
 */
export function pop3Error(error: unknown, where: Place, fallback: 'CONNECTION_LOST' | 'INTERNAL' = 'CONNECTION_LOST'): AppError {
  if (error instanceof AppError) return error;
  const fsError = error as { path?: unknown; code?: unknown } | undefined;
  if (fsError && typeof fsError.path === 'string') {
    return new AppError('INTERNAL', {
      message: `The message could not be written to disk${typeof fsError.code === 'string' ? ` (${fsError.code})` : ''}. Nothing was lost on the server.`,
      cause: error,
    });
  }
  const network = networkError(error, where.host, where.port);
  if (network) return network;
  if (fallback === 'INTERNAL') return new AppError('INTERNAL', { cause: error });
  return connectionLost(where, error);
}

/**
 * Leaving messages on a server that has no UIDL is impossible: nothing tells, next session,
 * which messages were already downloaded. Said at setup and by a check alike.
 */
export function leaveOnServerImpossible(cause: AppError): AppError {
  return new AppError('SERVER_ERROR', {
    message:
      'This POP3 server does not support UIDL, so the app cannot tell which messages it already downloaded: ' +
      'messages cannot be left on the server. Turn off "Leave messages on server" to download and delete them.',
    serverReply: cause.serverReply,
    details: { ...cause.details, pop3: 'uidl-unsupported' },
    cause,
  });
}
