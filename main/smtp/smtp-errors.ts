import { AppError } from '../../shared/errors.js';
import type { Account } from '../../shared/schemas.js';
import { networkError } from '../net/network-errors.js';
import { withCertificateDetails } from '../net/untrusted-certificate.js';
import { smtpProbeTarget } from './transport-options.js';

type NodemailerError = Error & {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejected?: string[];
};

/** Maps a nodemailer failure to a typed error, keeping the server's reply text. */
export function smtpError(error: unknown, host: string, port: number): AppError {
  if (error instanceof AppError) return error;
  const err = (error ?? {}) as NodemailerError;
  const serverReply = typeof err.response === 'string' ? err.response : undefined;
  const details: Record<string, string> = { host, port: String(port) };
  if (err.command) details.command = err.command;

  switch (err.code) {
    case 'EAUTH':
      return new AppError('AUTH_FAILED', { serverReply, details, cause: error });
    case 'EENVELOPE': {
      if (err.responseCode === 552 || err.responseCode === 523) return tooLarge(serverReply, details, error);
      const rejected = err.rejected?.join(', ');
      return new AppError('RECIPIENT_REJECTED', {
        message: rejected
          ? `The server refused these recipients: ${rejected}.`
          : 'The server refused the sender or the recipients.',
        serverReply,
        details: rejected ? { ...details, rejected } : details,
        cause: error,
      });
    }
    case 'EMESSAGE':
      if (err.responseCode === 552 || /size|too (big|large)/i.test(err.message)) {
        return tooLarge(serverReply, details, error);
      }
      break;
    case 'ETLS': {
      const network = networkError(error, host, port);
      if (network?.code === 'TLS_UNTRUSTED') return network;
      return new AppError('TLS_REQUIRED', {
        message: `${host} did not set up a secure connection (STARTTLS), so nothing was sent. Check the security setting or the port.`,
        serverReply,
        details,
        cause: error,
      });
    }
  }
  const network = networkError(error, host, port);
  if (network) return network;
  if (err.code === 'ECONNECTION' || err.code === 'ESOCKET') {
    return new AppError('CONNECTION_LOST', { serverReply, details, cause: error });
  }
  if (err.code === 'ETIMEDOUT') return new AppError('TIMEOUT', { details, cause: error });
  return new AppError('SERVER_ERROR', {
    message: serverReply ? `The server reported an error: ${serverReply}` : 'The server reported an error.',
    serverReply,
    details,
    cause: error,
  });
}

function tooLarge(serverReply: string | undefined, details: Record<string, string>, cause: unknown): AppError {
  return new AppError('MESSAGE_TOO_LARGE', { serverReply, details, cause });
}

/**
 * The failure as it came (for the outbox to classify), or, for an untrusted certificate, a
 * TLS_UNTRUSTED with the certificate's facts for the person to judge (net/untrusted-certificate.ts).
 */
export async function untrustedWithDetails(error: unknown, account: Account): Promise<unknown> {
  const mapped = smtpError(error, account.smtp.host, account.smtp.port);
  const target = smtpProbeTarget(account);
  if (mapped.code !== 'TLS_UNTRUSTED' || !target) return error;
  return withCertificateDetails(mapped, target, account.smtp.pinnedCertificate);
}
