import createDOMPurify from 'dompurify';

/** Text as HTML text: the five characters that mean something in markup, escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Plain text as the rich text editor's HTML: a paragraph per line (an empty line an empty
 * paragraph), and lines quoted with "> " as quotes, nested as deep as their ">" go. Used when a
 * person switches a message from plain to rich text, and to quote a message that has no HTML.
 */
export function textToHtml(text: string): string {
  let depth = 0;
  let html = '';
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const quote = /^((?:> ?)+)/.exec(raw)?.[1] ?? '';
    const level = (quote.match(/>/g) ?? []).length;
    const line = raw.slice(quote.length);
    for (; depth < level; depth++) html += '<blockquote>';
    for (; depth > level; depth--) html += '</blockquote>';
    html += line ? `<p>${escapeHtml(line)}</p>` : '<p></p>';
  }
  for (; depth > 0; depth--) html += '</blockquote>';
  return html;
}

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

/** A link address as typed: made whole (example.test → https://example.test) and kept only if it is http, https or mailto. */
export function linkAddress(typed: string): string | undefined {
  const value = typed.trim();
  if (!value) return undefined;
  if (/^(https?:\/\/|mailto:)/i.test(value)) return /\s/.test(value) ? undefined : value;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return undefined;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(value)) return `mailto:${value}`;
  if (/^[^\s/]+\.[^\s/]+(\/\S*)?$/.test(value)) return `https://${value}`;
  return undefined;
}
