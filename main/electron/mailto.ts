import type { ComposeRequest } from '../../shared/contract.js';

/**
 * mailto: links (RFC 6068), parsed for the composer. Plain Node: no Electron here.
 *
 *   mailto:a@x.org,b@y.org?cc=c@z.org&subject=Hello%20there&body=Line%201%0D%0ALine%202
 *
 * The link comes from anywhere (a web page, another program, a command line), so it is treated
 * as hostile: percent-escapes must be well formed or the whole link is refused; only to, cc, bcc,
 * subject and body are read (a link cannot set From, attach a file or add other headers);
 * addresses must be plain addr-specs; the subject loses every control character (a CR or LF
 * there would otherwise start a header of its own); the body keeps its line breaks, as LF, and
 * loses the other control characters; everything is capped in length and count.
 */

/** Longer links are refused whole: nothing legitimate needs more. */
export const MAX_MAILTO_LENGTH = 64 * 1024;
const MAX_ADDRESSES = 100;
const MAX_SUBJECT = 998;
const MAX_BODY = 100_000;

/**
 * An addr-spec as RFC 6068 allows it (local@domain), without whitespace, angle brackets, quotes,
 * commas or control characters; a quoted local part or a display name is not accepted. Unicode
 * letters are allowed (RFC 6532 addresses arrive percent-encoded as UTF-8).
 */
const ADDRESS = /^[^\s@<>()[\]\\,;:"\p{Cc}]{1,64}@[^\s@<>()[\]\\,;:"\p{Cc}]{1,255}$/u;

/** True when `value` starts with the mailto: scheme (any case). */
export function isMailtoUrl(value: unknown): value is string {
  return typeof value === 'string' && /^mailto:/i.test(value);
}

/**
 * The prefilled composer for a mailto: link, or null when the link is not one or is malformed
 * (bad percent-encoding, too long). Invalid addresses are dropped and counted in `dropped`.
 */
export function parseMailto(link: string): (ComposeRequest & { dropped: number }) | null {
  if (!isMailtoUrl(link) || link.length > MAX_MAILTO_LENGTH) return null;
  let rest = link.slice('mailto:'.length);
  // A fragment has no meaning in a mailto: URI.
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const path = question >= 0 ? rest.slice(0, question) : rest;
  const query = question >= 0 ? rest.slice(question + 1) : '';

  const fields = { to: [] as string[], cc: [] as string[], bcc: [] as string[] };
  let subject: string | undefined;
  let body: string | undefined;

  // The path is a comma-separated list of percent-encoded addresses; a comma inside one is %2C,
  // so each piece is decoded on its own, after the split.
  const pathAddresses = splitAddresses(path);
  if (pathAddresses === null) return null;
  fields.to.push(...pathAddresses);

  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals >= 0 ? pair.slice(0, equals) : pair;
    const rawValue = equals >= 0 ? pair.slice(equals + 1) : '';
    const name = decode(rawName);
    if (name === null) return null;
    switch (name.toLowerCase()) {
      case 'to':
      case 'cc':
      case 'bcc': {
        const addresses = splitAddresses(rawValue);
        if (addresses === null) return null;
        fields[name.toLowerCase() as 'to' | 'cc' | 'bcc'].push(...addresses);
        break;
      }
      case 'subject': {
        const value = decode(rawValue);
        if (value === null) return null;
        // The first one counts; a second subject in the same link is ignored.
        subject ??= value;
        break;
      }
      case 'body': {
        const value = decode(rawValue);
        if (value === null) return null;
        body ??= value;
        break;
      }
      default:
        // from, in-reply-to, attach, X-anything...: never taken from a link.
        break;
    }
  }

  let dropped = 0;
  const clean = (list: string[]): string[] => {
    const kept: string[] = [];
    const seen = new Set<string>();
    for (const raw of list) {
      const address = raw.trim();
      if (address === '') continue;
      if (!ADDRESS.test(address) || kept.length >= MAX_ADDRESSES) {
        dropped++;
        continue;
      }
      const key = address.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(address);
    }
    return kept;
  };

  return {
    to: clean(fields.to),
    cc: clean(fields.cc),
    bcc: clean(fields.bcc),
    subject: cleanSubject(subject ?? ''),
    body: cleanBody(body ?? ''),
    dropped,
  };
}

/** The mailto: link among a command line's arguments (a second instance's, or our own at start). */
export function findMailtoArgument(argv: readonly string[]): string | undefined {
  return argv.find(isMailtoUrl);
}

/** Subjects are one line: CR, LF, tabs and every other control character become spaces. */
export function cleanSubject(value: string): string {
  return value
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, MAX_SUBJECT);
}

/** Bodies keep their lines (CRLF and CR become LF) and tabs; other control characters go. */
export function cleanBody(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]/gu, '')
    .slice(0, MAX_BODY);
}

function splitAddresses(raw: string): string[] | null {
  const out: string[] = [];
  for (const piece of raw.split(',')) {
    const decoded = decode(piece);
    if (decoded === null) return null;
    out.push(decoded);
  }
  return out;
}

/** Percent-decoding as RFC 6068 has it: '+' stays a plus sign; a malformed escape is null. */
function decode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
