import { isPartsKey, MAIL_PART_PATH } from './message-parts.js';

/**
 * The document a message's HTML is shown in. It is served by the app itself (the loopback bridge
 * and the app:// protocol) as a page of its own, empty, with its own Content-Security-Policy
 * header; the reader then puts the sanitized message into it. A srcdoc (or blob:, data:) frame
 * would inherit the app's policy instead, which would have to allow the message's inline styles
 * and, for "Load remote content", remote images for the whole app.
 */

/** Where the frame's document is served, relative to the app's origin. */
export const MAIL_FRAME_PATH = '/mail-frame.html';

/**
 * The frame's URL for a message, with remote content allowed or not, and the key of the
 * message's parts (shared/message-parts.ts) whose inline images it may show.
 */
export function mailFrameUrl(allowRemote: boolean, partsKey?: string): string {
  const parts = isPartsKey(partsKey) ? `&parts=${partsKey}` : '';
  return `${MAIL_FRAME_PATH.slice(1)}?remote=${allowRemote ? 1 : 0}${parts}`;
}

export type MailFrameRequest = { allowRemote: boolean; partsKey?: string };

/** What a request for the frame (its query string) asks for; a malformed key is ignored. */
export function mailFrameRequestOf(search: string): MailFrameRequest {
  const query = new URLSearchParams(search);
  const partsKey = query.get('parts');
  return { allowRemote: query.get('remote') === '1', ...(isPartsKey(partsKey) ? { partsKey } : {}) };
}

/** Whether a request for the frame (its query string) allows remote content. */
export function mailFrameAllowsRemote(search: string): boolean {
  return mailFrameRequestOf(search).allowRemote;
}

/** The inline images a frame may show: one message's parts, at the app's own origin. */
export type FrameParts = { origin: string; key: string };

/** An origin fit to be written into a policy: scheme, host and port, nothing that could end a directive. */
const ORIGIN = /^(?:https?|app):\/\/[a-z0-9.-]+(?::\d{1,5})?$/i;

/**
 * The frame's policy: no script at all, no form, no plugin, no image but data: ones and the
 * message's own inline parts (served by the app under /mail-part/<key>/, and only those: the
 * key is the message's), and, once remote content was allowed, images, styles and fonts over
 * http(s). Never script, frames or connections. Only the app may frame it.
 */
export function mailFrameContentSecurityPolicy(allowRemote: boolean, parts?: FrameParts): string {
  const remote = allowRemote ? ' https: http:' : '';
  const own = parts && isPartsKey(parts.key) && ORIGIN.test(parts.origin) ? ` ${parts.origin}${MAIL_PART_PATH}${parts.key}/` : '';
  return [
    "default-src 'none'",
    "script-src 'none'",
    `img-src data:${own}${remote}`,
    `style-src 'unsafe-inline'${remote}`,
    `font-src data:${remote}`,
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

const BASE_STYLE =
  'html{color-scheme:light;background:#fff;color:#1c1c1e}' +
  'body{margin:0;padding:0.75rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}' +
  'img{max-width:100%;height:auto}table{max-width:100%}pre{white-space:pre-wrap}' +
  'a:focus-visible{outline:2px solid #0b57d0;outline-offset:2px}';

/** The frame's empty document (the policy also as a meta element, in case a header is lost). */
export function mailFrameDocument(allowRemote: boolean, parts?: FrameParts): string {
  const csp = mailFrameContentSecurityPolicy(allowRemote, parts).replace(/"/g, '&quot;');
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<style>${BASE_STYLE}</style></head><body></body></html>`
  );
}
