import createDOMPurify, { type Config } from 'dompurify';
import { isOpenableUrl } from '../../../shared/openable-url.js';
import {
  cssUrls,
  emptyReport,
  isImageDataUrl,
  isRemoteUrl,
  looksLikeTrackingPixel,
  remoteHost,
  srcsetCandidates,
  stripCssUrls,
  type RemoteReport,
} from './remote-content.js';

export type SanitizeOptions = {
  /** Keep remote images, backgrounds and style sheets (the person chose to load them). */
  allowRemote: boolean;
  /**
   * The message's own inline images: Content-ID (without <>) to the URL the app serves the part
   * at (shared/message-parts.ts). A cid: reference found here shows that part, remote content or
   * not; any other cid: loads nothing.
   */
  inlineImages?: ReadonlyMap<string, string>;
  /** The window whose DOM DOMPurify parses with (the renderer's own; jsdom's in tests). */
  window?: Window;
};

export type SanitizedHtml = {
  /** Body markup (with the message's <style> elements), safe to put in the reader's frame. */
  html: string;
  /** Remote content found: blocked unless allowRemote; tracking pixels are never loaded. */
  report: RemoteReport;
  /** Links whose target was not http, https or mailto (javascript:, data:, file:, relative...): they do nothing. */
  neutralisedLinks: number;
};

/**
 * Everything that could run, submit, navigate or embed: removed with its content kept where
 * it has text (a form's labels stay readable, its fields go).
 */
const FORBID_TAGS = [
  'script', 'noscript', 'template', 'form', 'input', 'button', 'select', 'option', 'optgroup', 'textarea', 'datalist',
  'output', 'meta', 'base', 'object', 'embed', 'applet', 'iframe', 'frame', 'frameset', 'portal', 'audio', 'video',
  'source', 'track', 'dialog', 'slot', 'svg', 'math',
];
/** Attributes that submit, ping, target other windows or reload; on* handlers DOMPurify never keeps. */
const FORBID_ATTR = ['action', 'formaction', 'srcdoc', 'ping', 'target', 'http-equiv', 'autofocus', 'contenteditable', 'accesskey'];
/**
 * DOMPurify's own pattern with only these schemes: http, https, mailto and cid. Values without
 * a scheme pass (align="center"); URL attributes are held to stricter rules in the hooks.
 */
const ALLOWED_URI_REGEXP = /^(?:(?:https?|mailto|cid):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

/**
 * Sanitizes a message's HTML for the reader's frame with DOMPurify (and the frame's CSP behind
 * it): no script, handler, form, meta refresh, <base>, plugin or frame survives; links keep only
 * http, https and mailto targets; remote content (img src/srcset, background attributes, CSS
 * url() and @import in style attributes and <style>, <link rel=stylesheet>) is counted, by host,
 * and removed unless allowRemote. Tiny or hidden remote images are counted as tracking pixels
 * and removed even then.
 */
export function sanitizeHtml(dirty: string, { allowRemote, inlineImages = new Map(), window: win = window }: SanitizeOptions): SanitizedHtml {
  const purify = createDOMPurify(win as never);
  const report = emptyReport();
  const hosts = new Set<string>();
  const trackerHosts = new Set<string>();
  let neutralisedLinks = 0;

  const remote = (url: string) => {
    report.count++;
    hosts.add(remoteHost(url));
  };
  const inlineUrl = inlineImageLookup(inlineImages);
  /** A URL in CSS may stay: an image data: URL always, an http(s) one once remote content is allowed. */
  const keepCssUrl = (url: string) => isImageDataUrl(url) || (allowRemote && isRemoteUrl(url));
  const cleanCss = (css: string) => {
    for (const url of cssUrls(css)) if (isRemoteUrl(url)) remote(url);
    return stripCssUrls(css, keepCssUrl, inlineUrl);
  };

  purify.addHook('uponSanitizeElement', (node, data) => {
    const element = node as Element;
    if (data.tagName === 'link') {
      const href = element.getAttribute('href') ?? '';
      if (/\bstylesheet\b/i.test(element.getAttribute('rel') ?? '') && isRemoteUrl(href)) remote(href);
    }
    if (data.tagName === 'style' && element.textContent) element.textContent = cleanCss(element.textContent);
  });

  purify.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName === 'href' && (node as Element).localName !== 'link' && !isOpenableUrl(data.attrValue.trim())) {
      data.keepAttr = false;
      neutralisedLinks++;
    }
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    const tag = element.localName;
    if (tag === 'link') {
      const href = element.getAttribute('href') ?? '';
      const keep = allowRemote && /\bstylesheet\b/i.test(element.getAttribute('rel') ?? '') && isRemoteUrl(href);
      if (!keep) element.remove();
      else for (const attr of [...element.attributes]) if (!['rel', 'href', 'media', 'type'].includes(attr.name)) element.removeAttribute(attr.name);
      return;
    }
    if (tag === 'a' || tag === 'area') {
      if (element.hasAttribute('href')) element.setAttribute('rel', 'noopener noreferrer');
    }

    const src = element.getAttribute('src');
    const inline = src !== null && tag === 'img' ? inlineUrl(src) : undefined;
    if (inline) {
      // The message's own image, served by the app: not remote content.
      element.setAttribute('src', inline);
    } else if (src !== null) {
      if (isImageDataUrl(src) && tag === 'img') {
        // an image inside the markup itself: shown
      } else if (isRemoteUrl(src) && tag === 'img') {
        if (looksLikeTrackingPixel(element)) {
          report.trackers.count++;
          trackerHosts.add(remoteHost(src));
          element.removeAttribute('src');
          element.removeAttribute('srcset');
        } else {
          remote(src);
          if (!allowRemote) element.removeAttribute('src');
        }
      } else {
        element.removeAttribute('src');
      }
    }

    const srcset = element.getAttribute('srcset');
    if (srcset !== null) {
      // Candidate by candidate: the message's own images (cid:) point at their parts, data:
      // images stay, remote ones only once allowed; any other candidate goes, the rest stay.
      const kept: string[] = [];
      for (const { url, descriptor } of srcsetCandidates(srcset)) {
        if (isRemoteUrl(url)) remote(url);
        const own = inlineUrl(url);
        if (own) kept.push(`${own}${descriptor}`);
        else if (isImageDataUrl(url) || (allowRemote && isRemoteUrl(url))) kept.push(`${url}${descriptor}`);
      }
      if (kept.length === 0 || tag !== 'img') element.removeAttribute('srcset');
      else element.setAttribute('srcset', kept.join(', '));
    }

    for (const name of ['background', 'poster', 'lowsrc', 'dynsrc']) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      const own = name === 'background' ? inlineUrl(value) : undefined;
      if (own) {
        element.setAttribute(name, own);
        continue;
      }
      if (isRemoteUrl(value)) remote(value);
      if (!(isImageDataUrl(value) || (allowRemote && isRemoteUrl(value)))) element.removeAttribute(name);
    }

    const style = element.getAttribute('style');
    if (style !== null) {
      const cleaned = cleanCss(style);
      if (cleaned !== style) element.setAttribute('style', cleaned);
    }
  });

  const config: Config = {
    USE_PROFILES: { html: true },
    FORCE_BODY: true,
    FORBID_TAGS,
    FORBID_ATTR,
    ADD_TAGS: allowRemote ? ['link'] : [],
    ADD_ATTR: allowRemote ? ['rel'] : [],
    ALLOWED_URI_REGEXP,
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    RETURN_DOM: false,
    RETURN_DOM_FRAGMENT: false,
  };
  const html = purify.sanitize(dirty, config) as string;
  purify.removeAllHooks();
  report.hosts = [...hosts].sort();
  report.trackers.hosts = [...trackerHosts].sort();
  return { html, report, neutralisedLinks };
}

/**
 * cid:ID (RFC 2392: the ID may be %-encoded) to the URL of the message's part with that
 * Content-ID, or undefined: the exact ID, then decoded, then regardless of case.
 */
function inlineImageLookup(images: ReadonlyMap<string, string>): (value: string) => string | undefined {
  const folded = new Map([...images].map(([id, url]) => [id.toLowerCase(), url]));
  return (value) => {
    const match = /^\s*cid:(\S{1,998})\s*$/i.exec(value);
    if (!match || images.size === 0) return undefined;
    const id = match[1]!.replace(/^<|>$/g, '');
    let decoded = id;
    try {
      decoded = decodeURIComponent(id);
    } catch {
      // not %-encoded after all
    }
    return images.get(id) ?? images.get(decoded) ?? folded.get(decoded.toLowerCase());
  };
}
