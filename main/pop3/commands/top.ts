import { AppError } from '../../../shared/errors.js';
import type { Pop3Connection } from '../pop3-connection.js';
import { messageNumber } from './message-number.js';

/** TOP keeps its answer in memory, so it is capped (a header block is a few KB). */
export const DEFAULT_MAX_TOP_BYTES = 1024 * 1024;

/**
 * TOP n lines: the message's header, the blank line and the first `lines` lines of its body,
 * unstuffed, as a Buffer. More than `maxBytes` fails with 'response-too-large'.
 */
export async function top(connection: Pop3Connection, n: number, lines: number, maxBytes = DEFAULT_MAX_TOP_BYTES): Promise<Buffer> {
  if (!Number.isSafeInteger(lines) || lines < 0) {
    throw new AppError('INVALID_ARGUMENT', { message: `TOP needs a line count of 0 or more, not ${String(lines)}.` });
  }
  await connection.command(`TOP ${messageNumber(n)} ${lines}`, 'TOP');
  const chunks: Buffer[] = [];
  const size = await connection.readBody((chunk) => void chunks.push(chunk), maxBytes);
  return Buffer.concat(chunks, size);
}
