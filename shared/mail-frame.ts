/**
 * The document a message's HTML is shown in. It is served by the app itself (the loopback bridge
 * and the app:// protocol) as a page of its own, empty, with its own Content-Security-Policy
 * header; the reader then puts the sanitized message into it. A srcdoc (or blob:, data:) frame
 * would inherit the app's policy instead, which would have to allow the message's inline styles
 * and, for "Load remote content", remote images for the whole app.
 */

/** Where the frame's document is served, relative to the app's origin. */
export const MAIL_FRAME_PATH = '/mail-frame.html';

/** The frame's URL for a message, with remote content allowed or not. */
export function mailFrameUrl(allowRemote: boolean): string {
  return `${MAIL_FRAME_PATH.slice(1)}?remote=${allowRemote ? 1 : 0}`;
}

/** Whether a request for the frame (its query string) allows remote content. */
export function mailFrameAllowsRemote(search: string): boolean {
  return new URLSearchParams(search).get('remote') === '1';
}

/**
 * The frame's policy: no script at all, no form, no plugin, nothing but data: (and cid:)
 * images unless remote content was allowed, and then images, styles and fonts over http(s)
 * only. Never script, frames or connections. Only the app may frame it.
 */
export function mailFrameContentSecurityPolicy(allowRemote: boolean): string {
  const remote = allowRemote ? ' https: http:' : '';
  return [
    "default-src 'none'",
    "script-src 'none'",
    `img-src data: cid:${remote}`,
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
export function mailFrameDocument(allowRemote: boolean): string {
  const csp = mailFrameContentSecurityPolicy(allowRemote).replace(/"/g, '&quot;');
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<style>${BASE_STYLE}</style></head><body></body></html>`
  );
}
