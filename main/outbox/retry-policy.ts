import { AppError } from '../../shared/errors.js';
import { smtpError } from '../smtp/smtp-errors.js';

export type RetryPolicy = {
  /** The first retry waits this long; each next one twice as long... */
  firstDelayMs: number;
  /** ...but never longer than this. */
  maxDelayMs: number;
  /** After this long in the queue a message that keeps failing temporarily is given up on. */
  giveUpAfterMs: number;
};

// Like an MTA's queue, but shorter: a person is waiting for the answer.
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 30_000,
  maxDelayMs: 30 * 60_000,
  giveUpAfterMs: 3 * 24 * 60 * 60_000,
};

export function retryDelay(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.max(0, attempts - 1), policy.maxDelayMs);
}

export type Failure = { transient: boolean; error: AppError };

type RawSmtpError = {
  code?: string;
  responseCode?: number;
  response?: string;
  rejectedErrors?: { responseCode?: number }[];
};

// Failures of the path, not of the message: the same send may well work a little later.
const TRANSIENT_CODES = new Set(['CONNECTION_REFUSED', 'HOST_NOT_FOUND', 'TIMEOUT', 'CONNECTION_LOST']);

/**
 * Decides whether a failed send is worth retrying: any 4xx reply (at any stage) and a lost
 * connection are; 5xx replies, refused credentials and certificate problems need a person.
 */
export function classifyFailure(raw: unknown, host: string, port: number): Failure {
  const mapped = smtpError(raw, host, port);
  const smtp = (raw ?? {}) as RawSmtpError;
  const reply = smtp.response;
  const enhanced = typeof reply === 'string' ? reply.match(/^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/)?.[1] : undefined;
  const details = { ...mapped.details };
  if (smtp.responseCode) details.replyCode = String(smtp.responseCode);
  if (enhanced) details.enhancedStatus = enhanced;
  const error = new AppError(mapped.code, { message: mapped.message, serverReply: mapped.serverReply, details });
  if (smtp.code === 'EENVELOPE' && smtp.rejectedErrors?.length) {
    const allTemporary = smtp.rejectedErrors.every((e) => (e.responseCode ?? 500) < 500);
    return { transient: allTemporary, error };
  }
  if (smtp.responseCode) return { transient: smtp.responseCode >= 400 && smtp.responseCode < 500, error };
  return { transient: TRANSIENT_CODES.has(error.code), error };
}

export function gaveUp(error: AppError, attempts: number): AppError {
  return new AppError(error.code, {
    message: `${error.message} Gave up after ${attempts} attempts.`,
    serverReply: error.serverReply,
    details: error.details,
  });
}
