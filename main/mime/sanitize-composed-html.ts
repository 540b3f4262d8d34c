import sanitizeHtml from 'sanitize-html';

/**
 * The HTML of a message written in the composer, as it may go out: what the rich text editor
 * makes (paragraphs, bold, italic, underline, strike, code, links, lists, quotes, headings,
 * rules, line breaks, tables whose cells may span rows or columns) and inline images by
 * Content-ID (cid:, an attachment the sender added), nothing else: the editor's column widths
 * (style, <colgroup>) stay behind. No script, style, event handler, form or frame survives; a
 * link keeps only an http, https or mailto target; an image only a cid: source, so the message
 * loads nothing from the network when it is read. It runs in main on every message and draft,
 * whatever the renderer sent: the renderer is not trusted to have cleaned it. sanitize-html (an
 * allow-list parser on htmlparser2) does the work; DOMPurify, which the reader uses, needs a DOM
 * that main lacks.
 */
export function sanitizeComposedHtml(dirty: string): string {
  return sanitizeHtml(dirty, OPTIONS);
}

const LINK_TARGET = /^(https?:\/\/|mailto:)/i;
const CID_SOURCE = /^cid:[^\s"'<>]+$/i;
/** How many rows or columns a cell spans: a whole number, 1 to 999. */
const SPAN = /^[1-9]\d{0,2}$/;

/** A table cell keeps colspan and rowspan, and only as numbers. */
function tableCell(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const kept: sanitizeHtml.Attributes = {};
  for (const name of ['colspan', 'rowspan']) {
    const span = attribs[name]?.trim();
    if (span !== undefined && SPAN.test(span)) kept[name] = span;
  }
  return { tagName, attribs: kept };
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'div', 'span', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'del', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'img',
    'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    ol: ['start'],
    blockquote: ['type'],
    table: ['border', 'cellpadding', 'cellspacing'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  // Text inside a removed element stays (a person's words are never lost), except where it is code or style.
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template', 'iframe', 'object'],
  transformTags: {
    // A relative or scheme-less address has no meaning in mail (no base): the link goes, its text stays.
    a: (tagName, attribs) => {
      const { href, ...rest } = attribs;
      return { tagName, attribs: href !== undefined && LINK_TARGET.test(href.trim()) ? { ...rest, href: href.trim() } : rest };
    },
    blockquote: (tagName, attribs): sanitizeHtml.Tag => ({ tagName, attribs: attribs.type === 'cite' ? { type: 'cite' } : {} }),
    // Ruled, whatever came in: without style (never sent) a bare table reaches the other side
    // without lines, its columns running into each other.
    table: (tagName): sanitizeHtml.Tag => ({ tagName, attribs: { border: '1', cellpadding: '4', cellspacing: '0' } }),
    th: tableCell,
    td: tableCell,
  },
  // An image without a cid: source would load from somewhere (or from nowhere): left out.
  exclusiveFilter: (frame) => frame.tag === 'img' && !CID_SOURCE.test((frame.attribs.src ?? '').trim()),
};
