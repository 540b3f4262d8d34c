import { isOpenableUrl } from '../../shared/contract.js';
import { AppError } from '../../shared/errors.js';

/**
 * The last check before a link leaves the app for the system's browser or mail program (main's
 * side of links.open; the contract and the service checked it already, and the renderer asked the
 * person first). Plain Node. Only absolute http, https and mailto URLs pass; one that carries a
 * user name or password (https://bank.example@evil.example/) is refused as the phishing trick it
 * almost always is. The URL handed on is the parsed, normalised one, never the raw string.
 */
export function externalUrl(value: string): string {
  if (!isOpenableUrl(value)) throw new AppError('INVALID_ARGUMENT', { message: 'Only http, https and mailto links can be opened.' });
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') {
    throw new AppError('INVALID_ARGUMENT', { message: 'A link with a user name in it was not opened.' });
  }
  return url.href;
}
