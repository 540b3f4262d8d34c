import { AppError } from '../../../shared/errors.js';

/** A message number of this session (RFC 1939: 1-based, valid until QUIT). */
export function messageNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new AppError('INVALID_ARGUMENT', { message: `Not a POP3 message number: ${String(n)}.` });
  }
  return String(n);
}

/** A non-negative whole number in a reply ("3", "1204"); undefined if it is not one. */
export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}
