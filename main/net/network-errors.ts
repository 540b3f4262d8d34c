import { AppError } from '../../shared/errors.js';

/**
 * Node's TLS verification failures, by the codes OpenSSL (and node:tls's own name check) report,
 * each with the plain reason the app shows and stores in an error's `details.reason`.
 */
const TLS_TRUST_CODES = new Map<string, TrustFailureReason>([
  ['SELF_SIGNED_CERT_IN_CHAIN', 'unknown-issuer'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unknown-issuer'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'unknown-issuer'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unknown-issuer'],
  ['CERT_HAS_EXPIRED', 'expired'],
  ['CERT_NOT_YET_VALID', 'not-yet-valid'],
  ['CERT_REVOKED', 'revoked'],
  ['CERT_UNTRUSTED', 'untrusted'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'hostname-mismatch'],
  ['HOSTNAME_MISMATCH', 'hostname-mismatch'],
  // Ours (see net/tls-options.ts): the pinned certificate was offered as the issuer of another one.
  ['PINNED_CERTIFICATE_AS_ISSUER', 'untrusted'],
]);

export type TrustFailureReason =
  | 'self-signed'
  | 'unknown-issuer'
  | 'hostname-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  | 'untrusted';

/** The plain reason for a TLS verification code, or undefined when the code is not about trust. */
export function trustFailureReason(code: string | undefined): TrustFailureReason | undefined {
  return code === undefined ? undefined : TLS_TRUST_CODES.get(code);
}

/** Walks an error and its causes, since protocol libraries wrap the socket's own error. */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (const link of chain(error)) {
    if (typeof link.code === 'string') codes.push(link.code);
    if (typeof link.reason === 'string') codes.push(link.reason);
    if (typeof link.originalCode === 'string') codes.push(link.originalCode);
  }
  return codes;
}

/**
 * Maps the failures every protocol shares (DNS, TCP, TLS, timeouts) to typed errors, or returns
 * undefined when the failure is the protocol's own business.
 */
export function networkError(error: unknown, host: string, port: number): AppError | undefined {
  const codes = codesOf(error);
  const details = { host, port: String(port) };
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  const tlsCode = codes.find((c) => TLS_TRUST_CODES.has(c));
  if (tlsCode) {
    return new AppError('TLS_UNTRUSTED', {
      details: { ...details, reason: TLS_TRUST_CODES.get(tlsCode)!, tlsCode },
      cause: error,
    });
  }
  if (has('ECONNREFUSED')) {
    return new AppError('CONNECTION_REFUSED', {
      message: `${host} refused the connection on port ${port}. Check the server name and port.`,
      details,
      cause: error,
    });
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) {
    return new AppError('HOST_NOT_FOUND', {
      message: `The server “${host}” could not be found. Check the spelling of the server name.`,
      details,
      cause: error,
    });
  }
  if (has('ETIMEDOUT', 'ETIMEOUT', 'ESOCKETTIMEDOUT', 'CONNECT_TIMEOUT', 'GreetingTimeout')) {
    return new AppError('TIMEOUT', { details, cause: error });
  }
  if (has('ECONNRESET', 'EPIPE', 'ECONNABORTED', 'NoConnection', 'EConnectionClosed')) {
    return new AppError('CONNECTION_LOST', { details, cause: error });
  }
  const message = chain(error).next().value?.message;
  if (typeof message === 'string' && /wrong version number|ssl3_get_record|packet length too long/i.test(message)) {
    // Speaking TLS to a plaintext port (or the reverse) shows up as an OpenSSL record error.
    return new AppError('TLS_REQUIRED', {
      message: `The server at ${host}:${port} did not answer with TLS. Check that the port matches the security setting.`,
      details,
      cause: error,
    });
  }
  return undefined;
}
