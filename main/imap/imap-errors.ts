import { AppError } from '../../shared/errors.js';
import { networkError } from '../net/network-errors.js';

type ImapFlowError = Error & {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  response?: unknown;
  serverResponseCode?: string;
  mailboxMissing?: boolean;
};

/** Maps an imapflow failure to a typed error, keeping the server's response text. */
export function imapError(error: unknown, host: string, port: number): AppError {
  if (error instanceof AppError) return error;
  const err = (error ?? {}) as ImapFlowError;
  const serverReply =
    err.responseText || (typeof err.response === 'string' ? err.response : undefined) || undefined;
  const details = { host, port: String(port) };
  if (err.authenticationFailed) return new AppError('AUTH_FAILED', { serverReply, details, cause: error });
  const network = networkError(error, host, port);
  if (network) return network;
  if (err.tlsFailed) {
    return new AppError('TLS_REQUIRED', {
      message: `${host} did not set up a secure connection (STARTTLS), so the password was not sent. Check the security setting or the port.`,
      serverReply,
      details,
      cause: error,
    });
  }
  // TRYCREATE: the target of a COPY, MOVE or APPEND is missing (RFC 3501 7.1); NONEXISTENT (RFC 5530).
  if (err.serverResponseCode === 'TRYCREATE' || err.serverResponseCode === 'NONEXISTENT') {
    return new AppError('NOT_FOUND', { message: 'That folder does not exist on the server.', serverReply, cause: error });
  }
  if (err.mailboxMissing) return new AppError('NOT_FOUND', { message: 'That folder does not exist on the server.', serverReply, cause: error });
  return new AppError('SERVER_ERROR', {
    message: serverReply ? `The server reported an error: ${serverReply}` : 'The server reported an error.',
    serverReply,
    details,
    cause: error,
  });
}
