import createDOMPurify from 'dompurify';

/** What of a received message's HTML the composer quotes: structure, emphasis and links; never an image, style, form or script. */
const QUOTE_TAGS = [
  'p', 'br', 'div', 'span', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'td', 'th',
];

/**
 * A received message's HTML made fit to quote in a reply or a forward, with DOMPurify: only the
 * tags above, links only to http, https and mailto, nothing that loads (no image, no style, no
 * background). The editor's own schema narrows it further to what it can edit.
 */
export function quotableHtml(html: string, win: Window = window): string {
  const purify = createDOMPurify(win as never);
  return purify.sanitize(html, {
    ALLOWED_TAGS: QUOTE_TAGS,
    ALLOWED_ATTR: ['href'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
    KEEP_CONTENT: true,
  }) as unknown as string;
}
