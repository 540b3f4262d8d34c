import {
  isTokenAtKeyword,
  isTokenCloseParen,
  isTokenFunction,
  isTokenOpenParen,
  isTokenString,
  isTokenURL,
  isTokenWhiteSpaceOrComment,
  tokenize,
  type CSSToken,
} from '@csstools/css-tokenizer';

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

/** A data: URL of an image, shown without asking (it is part of the message). */
export function isImageDataUrl(value: string): boolean {
  return /^\s*data:image\/(?:png|gif|jpe?g|webp|bmp|svg\+xml)[;,]/i.test(value);
}

/**
 * The candidates of a srcset attribute ("a.png 1x, b.png 2x"): each URL, and its descriptors
 * with the space before them (" 1x", or ""). Split as the HTML standard's "parse a srcset
 * attribute" does, so we see the URLs the browser would load: a URL runs to the next white
 * space (a data: URL keeps its commas), and a comma inside parentheses does not end the
 * descriptors. By hand: the parsers on npm (srcset, parse-srcset) follow looser rules of their
 * own, and a URL we split differently from the browser is one we would let through unseen.
 */
export function srcsetCandidates(srcset: string): { url: string; descriptor: string }[] {
  const candidates: { url: string; descriptor: string }[] = [];
  const space = /[\t\n\f\r ]/;
  let i = 0;
  while (i < srcset.length) {
    while (i < srcset.length && (space.test(srcset[i]!) || srcset[i] === ',')) i++;
    const urlStart = i;
    while (i < srcset.length && !space.test(srcset[i]!)) i++;
    let url = srcset.slice(urlStart, i);
    if (!url) break;
    let descriptor = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      const descriptorStart = i;
      let depth = 0;
      while (i < srcset.length && !(srcset[i] === ',' && depth === 0)) {
        if (srcset[i] === '(') depth++;
        else if (srcset[i] === ')' && depth > 0) depth--;
        i++;
      }
      const words = srcset.slice(descriptorStart, i).trim();
      descriptor = words ? ` ${words.split(/\s+/).join(' ')}` : '';
    }
    if (url) candidates.push({ url, descriptor });
  }
  return candidates;
}

/** A URL a piece of CSS refers to, and the tokens (first and last) that make up the reference. */
type CssUrlRef = { url: string; first: number; last: number; form: 'url' | 'string' };

/**
 * Every place a piece of CSS names something to load, found on the tokens of CSS Syntax Level 3
 * (@csstools/css-tokenizer: the tokenizer browsers implement, escapes, comments and unclosed
 * strings included), so the scan sees exactly what the browser will: url(...) quoted or not
 * (also at the end of the input, unclosed), src("..."), @import "...", and the strings of
 * image-set() and -webkit-image-set(). Fonts (@font-face src), backgrounds, imports, cursors,
 * masks: all of them are url() or one of these. A regular expression could not be sure of this
 * (u\72 l( is url(; a comment between ur and l( makes it none), and the frame's CSP stays
 * behind it in any case.
 */
function findCssUrls(tokens: readonly CSSToken[]): CssUrlRef[] {
  const refs: CssUrlRef[] = [];
  const nextMeaningful = (from: number) => {
    let j = from;
    while (j < tokens.length && isTokenWhiteSpaceOrComment(tokens[j])) j++;
    return j;
  };
  // The paren depths at which an image-set( was opened: its strings are image URLs.
  const imageSets: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isTokenURL(token)) {
      refs.push({ url: token[4].value, first: i, last: i, form: 'url' });
    } else if (isTokenFunction(token)) {
      const name = token[4].value.toLowerCase();
      if (name === 'url' || name === 'src') {
        const arg = nextMeaningful(i + 1);
        const value = tokens[arg];
        if (isTokenString(value)) {
          const close = nextMeaningful(arg + 1);
          const last = isTokenCloseParen(tokens[close]) ? close : arg;
          refs.push({ url: value[4].value, first: i, last, form: 'url' });
          i = last;
          continue;
        }
      }
      depth++;
      if (name.endsWith('image-set')) imageSets.push(depth);
    } else if (isTokenOpenParen(token)) {
      depth++;
    } else if (isTokenCloseParen(token)) {
      if (imageSets.at(-1) === depth) imageSets.pop();
      depth = Math.max(0, depth - 1);
    } else if (isTokenString(token) && imageSets.length > 0) {
      refs.push({ url: token[4].value, first: i, last: i, form: 'string' });
    } else if (isTokenAtKeyword(token) && token[4].value.toLowerCase() === 'import') {
      const target = nextMeaningful(i + 1);
      const value = tokens[target];
      if (isTokenString(value)) {
        refs.push({ url: value[4].value, first: target, last: target, form: 'string' });
        i = target;
      }
    }
  }
  return refs;
}

function tokensOf(css: string): CSSToken[] {
  return tokenize({ css }, { onParseError: () => {} });
}

/** Every URL a piece of CSS refers to (url(...), src("..."), @import "...", image-set("...")). */
export function cssUrls(css: string): string[] {
  return findCssUrls(tokensOf(css)).map((ref) => ref.url.trim());
}

const IDENT_EDGE_END = /[\w\-\\\u0080-\uffff]$/;
const IDENT_EDGE_START = /^[\w\-\\\u0080-\uffff]/;

/**
 * CSS with every URL reference that `keep` refuses taken out (url(...) and the strings of
 * @import and image-set become none, which loads nothing), and those `map` gives another URL
 * for pointed there (a message's cid: image to the part it is served at). Everything else is
 * the input's own text, token for token. Returned unchanged when nothing is refused or mapped.
 */
export function stripCssUrls(css: string, keep: (url: string) => boolean, map?: (url: string) => string | undefined): string {
  const tokens = tokensOf(css);
  const refs = findCssUrls(tokens);
  const decided = refs.map((ref) => {
    const url = ref.url.trim();
    const mapped = map?.(url);
    return { ref, replacement: mapped !== undefined ? mapped : keep(url) ? undefined : null };
  });
  if (decided.every((d) => d.replacement === undefined)) return css;
  let out = '';
  let next = 0;
  // After a replacement, the next token must not run into it (and before one, it into the last).
  let guardNext = false;
  const emit = (text: string, guard = false) => {
    if (text === '') return;
    if ((guard || guardNext) && IDENT_EDGE_END.test(out) && IDENT_EDGE_START.test(text)) out += ' ';
    out += text;
    guardNext = false;
  };
  for (const { ref, replacement } of decided) {
    for (; next < ref.first; next++) emit(tokens[next]![1]);
    if (replacement === undefined) {
      for (; next <= ref.last; next++) emit(tokens[next]![1]);
      continue;
    }
    emit(replacement === null ? 'none' : ref.form === 'url' ? `url(${JSON.stringify(replacement)})` : JSON.stringify(replacement), true);
    guardNext = true;
    next = ref.last + 1;
  }
  for (; next < tokens.length; next++) emit(tokens[next]![1]);
  return out;
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
