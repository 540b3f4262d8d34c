/**
 * Remote content in a message: what counts as remote, what looks like a tracking pixel, the
 * URLs hidden in CSS, and the Content-Security-Policy of the frame the message is shown in.
 * Pure functions; the sanitizer (sanitize-html.ts) applies them.
 */

/** True for an absolute http(s) URL (also a protocol-relative //host one): something that would reach the network. */
export function isRemoteUrl(value: string): boolean {
  return /^\s*(?:https?:)?\/\//i.test(value);
}

export function remoteHost(value: string): string {
  try {
    return new URL(value.trim().replace(/^\/\//, 'https://')).hostname.toLowerCase();
  } catch {
    return 'unknown';
  }
}

/** A data: URL of an image (what inline cid: images arrive as), shown without asking. */
export function isImageDataUrl(value: string): boolean {
  return /^\s*data:image\/(?:png|gif|jpe?g|webp|bmp|svg\+xml)[;,]/i.test(value);
}

/** The URLs of a srcset attribute ("a.png 1x, b.png 2x"). */
export function srcsetUrls(srcset: string): string[] {
  return srcset
    .split(/,(?=\s*\S)/)
    .map((candidate) => candidate.trim().split(/\s+/)[0] ?? '')
    .filter((url) => url.length > 0);
}

/**
 * Decodes CSS escapes (\75 rl( is url(), \40 import is @import) so that no obfuscation hides a
 * URL from the scan below; the frame's CSP blocks whatever still gets past.
 */
export function unescapeCss(css: string): string {
  return css
    .replace(/\\([0-9a-f]{1,6})[ \t\r\n\f]?/gi, (_m, hex: string) => {
      const code = parseInt(hex, 16);
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
    })
    .replace(/\\\r?\n/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/\/\*[\s\S]*?\*\//g, '');
}

const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi;
const CSS_IMPORT_STRING = /@import\s+(?:"([^"]*)"|'([^']*)')/gi;
const CSS_IMAGE_SET_STRING = /image-set\(\s*(?:"([^"]*)"|'([^']*)')/gi;

/** Every URL a piece of CSS refers to (url(...), @import "...", image-set("...")). */
export function cssUrls(css: string): string[] {
  const plain = unescapeCss(css);
  const urls: string[] = [];
  for (const pattern of [CSS_URL, CSS_IMPORT_STRING, CSS_IMAGE_SET_STRING]) {
    for (const m of plain.matchAll(pattern)) urls.push((m[1] ?? m[2] ?? m[3] ?? '').trim());
  }
  return urls;
}

/**
 * CSS with every URL reference that is not an image data: URL taken out (url(...) becomes
 * none, @import and image-set strings become empty). Returned unchanged when it has none.
 */
export function stripCssUrls(css: string, keep: (url: string) => boolean): string {
  if (cssUrls(css).every(keep)) return css;
  const plain = unescapeCss(css);
  return plain
    .replace(CSS_URL, (m, a?: string, b?: string, c?: string) => (keep((a ?? b ?? c ?? '').trim()) ? m : 'none'))
    .replace(CSS_IMPORT_STRING, (m, a?: string, b?: string) => (keep((a ?? b ?? '').trim()) ? m : '@import ""'))
    .replace(CSS_IMAGE_SET_STRING, (m, a?: string, b?: string) => (keep((a ?? b ?? '').trim()) ? m : 'image-set(""'));
}

/** A length in CSS pixels from an attribute or a style value ("1", "1px", "0"); undefined when it is not one. */
function pixels(value: string | null | undefined): number | undefined {
  if (value == null) return undefined;
  const m = value.trim().match(/^(\d+(?:\.\d+)?)(px)?$/i);
  return m ? Number(m[1]) : undefined;
}

/**
 * A remote image that is there to report the message was opened, not to be seen: at most 2×2
 * pixels, or hidden (display:none, visibility:hidden, opacity 0, the hidden attribute).
 */
export function looksLikeTrackingPixel(img: Element): boolean {
  const style = (img.getAttribute('style') ?? '').toLowerCase().replace(/\s+/g, '');
  if (img.hasAttribute('hidden')) return true;
  if (/display:none|visibility:hidden|opacity:0(?:[;!]|$)|opacity:0\.0*(?:[;!]|$)/.test(style)) return true;
  const width = pixels(img.getAttribute('width')) ?? pixels(style.match(/(?:^|;)width:([^;!]+)/)?.[1]);
  const height = pixels(img.getAttribute('height')) ?? pixels(style.match(/(?:^|;)height:([^;!]+)/)?.[1]);
  if (width !== undefined && height !== undefined) return width <= 2 && height <= 2;
  return (width !== undefined && width <= 1) || (height !== undefined && height <= 1);
}

/** The frame's policy (served with its document, see shared/mail-frame.ts). */
export { mailFrameContentSecurityPolicy as frameContentSecurityPolicy } from '../../../shared/mail-frame.js';

/** What the banner says was blocked (or, for trackers, is always blocked), with the hosts named. */
export type RemoteReport = {
  /** Remote images, backgrounds, style sheets and CSS URLs found (trackers not included). */
  count: number;
  hosts: string[];
  trackers: { count: number; hosts: string[] };
};

export function emptyReport(): RemoteReport {
  return { count: 0, hosts: [], trackers: { count: 0, hosts: [] } };
}

/** "example.com", "a.com and b.com", "a.com, b.com and 3 more". */
export function hostList(hosts: readonly string[], shown = 3): string {
  if (hosts.length <= 1) return hosts[0] ?? '';
  if (hosts.length <= shown) return `${hosts.slice(0, -1).join(', ')} and ${hosts.at(-1)}`;
  return `${hosts.slice(0, shown).join(', ')} and ${hosts.length - shown} more`;
}
