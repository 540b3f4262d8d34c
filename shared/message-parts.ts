/**
 * Where the parts of an open message are served by the app itself (the loopback bridge in web
 * mode, the app:// protocol on the desktop): inline images of the HTML body (cid:) by URL
 * rather than as data: URLs (a 5 MB picture would be a 7 MB string in every reply and in the
 * renderer's heap), and, in web mode, attachments as downloads.
 *
 * A message's parts are named by an opaque key that main hands out with message.open (the
 * bridge's socket, which needs the per-run token, is the only way to get one): 32 random bytes,
 * valid while the app runs, one message each. The key is also what the mail frame's policy
 * allows images from, so a message can show its own parts and nothing else of the app.
 */

/** Inline images: GET /mail-part/<key>/<part>. */
export const MAIL_PART_PATH = '/mail-part/';
/** Attachments as downloads (web mode): GET /attachment/<key>/<part>. */
export const ATTACHMENT_PATH = '/attachment/';

const PARTS_KEY = /^[0-9a-f]{64}$/;
/** Parts are numbered from 0 in the order the message lists them; no message has this many. */
export const MAX_PART_INDEX = 100_000;

export function isPartsKey(value: unknown): value is string {
  return typeof value === 'string' && PARTS_KEY.test(value);
}

/** The URL (from the app's origin) of an inline image. */
export function inlinePartUrl(key: string, part: number): string {
  return `${MAIL_PART_PATH}${key}/${part}`;
}

/** The URL (from the app's origin) that downloads an attachment in web mode. */
export function attachmentDownloadUrl(key: string, part: number): string {
  return `${ATTACHMENT_PATH}${key}/${part}`;
}

export type PartRequest = { kind: 'inline' | 'attachment'; key: string; part: number };

/** The part a request path names, or undefined when it names none (or is malformed). */
export function partRequestOf(pathname: string): PartRequest | undefined {
  const kind = pathname.startsWith(MAIL_PART_PATH) ? 'inline' : pathname.startsWith(ATTACHMENT_PATH) ? 'attachment' : undefined;
  if (!kind) return undefined;
  const rest = pathname.slice((kind === 'inline' ? MAIL_PART_PATH : ATTACHMENT_PATH).length);
  const match = /^([0-9a-f]{64})\/(0|[1-9][0-9]{0,5})$/.exec(rest);
  if (!match) return undefined;
  const part = Number(match[2]);
  return part <= MAX_PART_INDEX ? { kind, key: match[1]!, part } : undefined;
}

/**
 * The image types shown inline: raster only. An SVG is a document that can carry script; as an
 * <img> it would not run, but served from the app's origin it must never be one navigation away
 * from doing so, so it is offered as an attachment instead.
 */
export function isInlineImageType(contentType: string): boolean {
  return /^image\/(png|gif|jpeg|jpg|pjpeg|webp|bmp|avif)$/i.test(contentType.split(';')[0]!.trim());
}
