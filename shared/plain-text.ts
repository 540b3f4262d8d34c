import { convert } from 'html-to-text';

/**
 * The text/plain alternative of a message written as rich text, and what the composer shows when
 * a person switches from rich to plain text: the same function on both sides, so what the
 * composer shows is what goes out. html-to-text does the work (the library mailparser uses for
 * the same job when reading): paragraphs on lines of their own, quotes as "> " lines, lists as
 * "- " and "1. " items, links as "text <address>", tables as columns, images left out, no
 * wrapping (the person's lines stay as written).
 */
export function plainTextOf(html: string): string {
  return convert(html, OPTIONS);
}

const keepCase = (selector: string) => ({ selector, options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 1 } });

const OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'a', options: { linkBrackets: ['<', '>'] as [string, string], hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'blockquote', options: { leadingLineBreaks: 1, trailingLineBreaks: 1, trimEmptyLines: false } },
    // Cells in columns, a header row as written (not in capitals, as html-to-text would).
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map(keepCase),
  ],
};
