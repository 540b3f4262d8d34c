// What the contract accepts of an attachment, free of zod so the renderer can check a file
// before it is sent without building the contract's schemas (shared/schemas.ts uses these).

/** Attachments together may decode to at most this many bytes (what most providers accept, before base64). */
export const MAX_ATTACHMENTS_BYTES = 25 * 1024 * 1024;

const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** A MIME type the contract accepts for an attachment: the given one when it is one (and not multipart/*), else application/octet-stream. */
export function attachableContentType(type: string): string {
  return MIME_TYPE.test(type) && !/^multipart\//i.test(type) ? type : 'application/octet-stream';
}

/** A file name the contract accepts: one line, no control characters, at most 255 characters ("attachment" when nothing is left). */
export function attachableFilename(name: string | null | undefined): string {
  const clean = (name ?? '').replace(/[\x00-\x1f\x7f]/g, '').trim();
  return (clean || 'attachment').slice(0, 255);
}
