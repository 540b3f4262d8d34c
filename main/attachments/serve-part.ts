import type { Readable } from 'node:stream';
import { safeFileName } from '../../shared/attachment-names.js';
import { AppError } from '../../shared/errors.js';
import { isInlineImageType, type PartRequest } from '../../shared/message-parts.js';
import { log } from '../log.js';
import type { PartSource } from './message-parts.js';

/**
 * The policy of every part response: should one ever be shown as a page (someone pastes its
 * URL), it is a sandboxed document with an opaque origin that may load and run nothing, never a
 * page of the app's origin. An HTML or SVG attachment can never run as the app.
 */
export const PART_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const PART_HEADERS: Record<string, string> = {
  'Content-Security-Policy': PART_CONTENT_SECURITY_POLICY,
  // The declared type is the one used, never a guess from the bytes.
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export type PartReply = {
  status: number;
  headers: Record<string, string>;
  /** The part's content, to stream out (absent for an error, or for HEAD). */
  body?: Readable;
  /** Stops reading the message; call it when the body is not (fully) sent. */
  close(): void;
};

/**
 * The reply to a request for a part (shared/message-parts.ts), for either transport to send:
 * an inline image with its own raster type, or an attachment as a download (always
 * application/octet-stream with Content-Disposition: attachment and the sanitized name, so no
 * browser shows it in place). Unknown key or part: 404. The caller checks who is asking.
 */
export async function partReply(request: PartRequest, parts: PartSource, method: string): Promise<PartReply> {
  const nothing = () => {};
  const ref = parts.refOf(request.key);
  if (!ref) return { status: 404, headers: PART_HEADERS, close: nothing };
  let part;
  try {
    part = await parts.open(ref, request.part);
  } catch (error) {
    const missing = error instanceof AppError && error.code === 'NOT_FOUND';
    if (!missing) log.warn('a message part could not be read', { code: error instanceof AppError ? error.code : 'unknown' });
    return { status: missing ? 404 : 502, headers: PART_HEADERS, close: nothing };
  }
  const type = part.info.contentType.toLowerCase();
  if (request.kind === 'inline' && !isInlineImageType(type)) {
    part.close();
    return { status: 404, headers: PART_HEADERS, close: nothing };
  }
  const headers =
    request.kind === 'inline'
      ? { ...PART_HEADERS, 'Content-Type': type }
      : {
          ...PART_HEADERS,
          'Content-Type': 'application/octet-stream',
          'Content-Disposition': attachmentDisposition(safeFileName(part.info.filename, part.info.contentType)),
        };
  if (method === 'HEAD') {
    part.close();
    return { status: 200, headers, close: nothing };
  }
  return { status: 200, headers, body: part.content, close: part.close };
}

/**
 * Content-Disposition: attachment with the name twice (RFC 6266): an ASCII fallback, and the
 * exact name in RFC 8187 encoding, which every current browser prefers. Written here: it is
 * five lines, and the npm package for it would be the only one of its kind in the app.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
