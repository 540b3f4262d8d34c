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
