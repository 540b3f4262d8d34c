import { MailParser, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentInfo, MailboxAddress } from '../../shared/schemas.js';
import type { MessageDetail } from '../../shared/schemas.js';

/** A message's raw source: the path of the file it is kept in, or its bytes (kept in the store). */
export type MessageSourceRef = string | Buffer;

export type ParsedFile = Pick<MessageDetail, 'to' | 'cc' | 'replyTo' | 'inReplyTo' | 'references' | 'text' | 'attachments'>;

/** What the reader shows beyond ParsedFile: the HTML (its cid: images are attachments with a contentId) and the authentication results. */
export type ReaderParts = ParsedFile & { html?: string; authenticationResults: string[] };

/** The header fields a list row needs, for a message no server describes (POP3). */
export type MessageHeader = { subject: string; from: MailboxAddress | null; date: number | null; messageId: string | undefined };

/** What the reader shows of a message nothing could be read from: its envelope's summary only. */
const UNREADABLE: ParsedFile = { to: [], cc: [], replyTo: [], inReplyTo: undefined, references: [], text: '', attachments: [] };
const NO_HEADER: MessageHeader = { subject: '', from: null, date: null, messageId: undefined };

/** The text shown (and indexed) stops here: beyond it no reader scrolls and no search needs it. */
const MAX_TEXT = 2_000_000;
/** The HTML handed to the reader stops here (the sanitizer closes what the cut leaves open). */
const MAX_HTML = 5_000_000;

/**
 * mailparser's limits on a first reading, and the roomier ones of a second when the first gives
 * up (see readWith). Reading a part out of a message (main/attachments/read-part.ts) uses the
 * roomier ones at once: for a message both readings accept, they find the same parts in the
 * same order, so a part's number means the same thing to both.
 */
export const PARSER_OPTIONS = { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true } as const;
export const ROOMY_PARSER_OPTIONS = { ...PARSER_OPTIONS, maxHeadSize: 16 * 1024 * 1024, maxChildNodes: 10_000 } as const;

/**
 * Reads a kept message file the way the reader needs it, streaming: the text parts are decoded,
 * attachments are counted as they pass and dropped, so a message with a 50 MB attachment costs
 * about as much memory as its text. mailparser copes with malformed MIME and unknown charsets;
 * what it cannot decode is left out rather than failing the whole message.
 */
export async function parseMessageFile(file: MessageSourceRef): Promise<ParsedFile> {
  return (await readMessageFile(file)).parts;
}

/** parseMessageFile, with the header fields of the same pass. */
export async function readMessageFile(file: MessageSourceRef): Promise<{ parts: ParsedFile; header: MessageHeader }> {
  const { parts, header } = await readWith(file, false);
  const { html: _html, authenticationResults: _auth, ...plain } = parts;
  return { parts: plain, header };
}

/**
 * parseMessageFile for the reader: also the HTML as it came (not sanitized: the renderer does
 * that; its cid: images are served by URL, see shared/message-parts.ts), and the
 * Authentication-Results header fields, unfolded.
 */
export async function parseMessageForReader(file: MessageSourceRef): Promise<ReaderParts> {
  return (await readWith(file, true)).parts;
}

async function readWith(file: MessageSourceRef, reader: boolean): Promise<{ parts: ReaderParts; header: MessageHeader }> {
  try {
    return await parseWith(file, PARSER_OPTIONS, reader);
  } catch {
    // mailparser rejects (EMAXLEN), rather than reads, a message past its guards: a header block
    // over 1 MiB in any part (one 1 MB header line, or some 16,000 header lines) or over 1,000
    // MIME parts. Read it once more with roomier limits; past those too, or on any other
    // failure, the reader shows no text rather than failing: the summary (from the server's
    // envelope) still shows. See test/main/mime/malformed.test.ts.
    try {
      return await parseWith(file, ROOMY_PARSER_OPTIONS, reader);
    } catch {
      return { parts: { ...UNREADABLE, authenticationResults: [] }, header: NO_HEADER };
    }
  }
}

async function parseWith(
  file: MessageSourceRef,
  options: ConstructorParameters<typeof MailParser>[0],
  reader: boolean,
): Promise<{ parts: ReaderParts; header: MessageHeader }> {
  const parser = new MailParser(options);
  const attachments: AttachmentInfo[] = [];
  let text = '';
  let html: string | undefined;
  parser.on('data', (part: AttachmentStream | MessageText) => {
    if (part.type === 'text') {
      text = (part.text ?? '').slice(0, MAX_TEXT);
      if (reader && typeof part.html === 'string') html = part.html.slice(0, MAX_HTML);
      return;
    }
    // Numbered as they come: read-part.ts counts the same way to find one again.
    const info: AttachmentInfo = { filename: part.filename ?? null, contentType: part.contentType, size: 0, part: attachments.length };
    if (part.cid) info.contentId = part.cid;
    attachments.push(info);
    part.content.on('data', (chunk: Buffer) => {
      info.size += chunk.length;
    });
    part.content.on('end', () => part.release?.());
  });
  await pipeline(typeof file === 'string' ? createReadStream(file) : Readable.from([file]), parser);
  const references = parser.references === undefined ? [] : Array.isArray(parser.references) ? parser.references : [parser.references];
  const date = parser.date?.getTime();
  const parts: ReaderParts = {
    to: mailboxesOf(parser.to),
    cc: mailboxesOf(parser.cc),
    replyTo: mailboxesOf(parser.replyTo),
    inReplyTo: parser.inReplyTo || undefined,
    references,
    text,
    attachments,
    html,
    authenticationResults: reader && parser.headerLines ? authenticationResults(parser.headerLines) : [],
  };
  const header: MessageHeader = {
    subject: parser.subject ?? '',
    from: mailboxesOf(parser.from)[0] ?? null,
    date: date !== undefined && Number.isFinite(date) ? date : null,
    messageId: parser.messageId || undefined,
  };
  return { parts, header };
}

/** The Authentication-Results fields (RFC 8601) of the message's own header, unfolded, in order. */
function authenticationResults(lines: ReadonlyArray<{ key: string; line: string }>): string[] {
  return lines
    .filter((l) => l.key.toLowerCase() === 'authentication-results')
    .map((l) => l.line.replace(/^[^:]*:/, '').replace(/\r?\n[ \t]+/g, ' ').trim())
    .filter((v) => v.length > 0)
    .slice(0, 50);
}

/** The start of a message's text, for the list and the search index. */
export function snippetOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The mailboxes of parsed address fields, group members included (mailparser's AddressObject). */
export function mailboxesOf(field: AddressObject | AddressObject[] | undefined): MailboxAddress[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  return objects.flatMap((o) =>
    o.value.flatMap((a) => (a.group ? a.group : [a])).map((a) => ({ name: a.name ?? '', address: a.address ?? '' })),
  );
}
