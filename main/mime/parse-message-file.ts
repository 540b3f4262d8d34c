import { MailParser, type AddressObject, type AttachmentStream, type MessageText } from 'mailparser';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { AttachmentInfo, MailboxAddress } from '../../shared/schemas.js';
import type { MessageDetail } from '../../shared/schemas.js';

export type ParsedFile = Pick<MessageDetail, 'to' | 'cc' | 'replyTo' | 'inReplyTo' | 'references' | 'text' | 'attachments'>;

/** The header fields a list row needs, for a message no server describes (POP3). */
export type MessageHeader = { subject: string; from: MailboxAddress | null; date: number | null; messageId: string | undefined };

const OPTIONS = { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true };

/** What the reader shows of a message nothing could be read from: its envelope's summary only. */
const UNREADABLE: ParsedFile = { to: [], cc: [], replyTo: [], inReplyTo: undefined, references: [], text: '', attachments: [] };
const NO_HEADER: MessageHeader = { subject: '', from: null, date: null, messageId: undefined };

/** The text shown (and indexed) stops here: beyond it no reader scrolls and no search needs it. */
const MAX_TEXT = 2_000_000;

/**
 * Reads a kept message file the way the reader needs it, streaming: the text parts are decoded,
 * attachments are counted as they pass and dropped, so a message with a 50 MB attachment costs
 * about as much memory as its text. mailparser copes with malformed MIME and unknown charsets;
 * what it cannot decode is left out rather than failing the whole message.
 */
export async function parseMessageFile(file: string): Promise<ParsedFile> {
  return (await readMessageFile(file)).parts;
}

/** parseMessageFile, with the header fields of the same pass. */
export async function readMessageFile(file: string): Promise<{ parts: ParsedFile; header: MessageHeader }> {
  try {
    return await parseWith(file, OPTIONS);
  } catch {
    // mailparser rejects (EMAXLEN), rather than reads, a message past its guards: a header block
    // over 1 MiB in any part (one 1 MB header line, or some 16,000 header lines) or over 1,000
    // MIME parts. Read it once more with roomier limits; past those too, or on any other
    // failure, the reader shows no text rather than failing: the summary (from the server's
    // envelope) still shows. See test/main/mime/malformed.test.ts.
    try {
      return await parseWith(file, { ...OPTIONS, maxHeadSize: 16 * 1024 * 1024, maxChildNodes: 10_000 });
    } catch {
      return { parts: UNREADABLE, header: NO_HEADER };
    }
  }
}

async function parseWith(file: string, options: ConstructorParameters<typeof MailParser>[0]): Promise<{ parts: ParsedFile; header: MessageHeader }> {
  const parser = new MailParser(options);
  const attachments: AttachmentInfo[] = [];
  let text = '';
  parser.on('data', (part: AttachmentStream | MessageText) => {
    if (part.type === 'text') {
      text = (part.text ?? '').slice(0, MAX_TEXT);
      return;
    }
    let size = 0;
    part.content.on('data', (chunk: Buffer) => (size += chunk.length));
    part.content.on('end', () => {
      attachments.push({ filename: part.filename ?? null, contentType: part.contentType, size });
      part.release?.();
    });
  });
  await pipeline(createReadStream(file), parser);
  const references = parser.references === undefined ? [] : Array.isArray(parser.references) ? parser.references : [parser.references];
  const date = parser.date?.getTime();
  const parts: ParsedFile = {
    to: addresses(parser.to),
    cc: addresses(parser.cc),
    replyTo: addresses(parser.replyTo),
    inReplyTo: parser.inReplyTo || undefined,
    references,
    text,
    attachments,
  };
  const header: MessageHeader = {
    subject: parser.subject ?? '',
    from: addresses(parser.from)[0] ?? null,
    date: date !== undefined && Number.isFinite(date) ? date : null,
    messageId: parser.messageId || undefined,
  };
  return { parts, header };
}

/** The start of a message's text, for the list and the search index. */
export function snippetOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function addresses(field: AddressObject | AddressObject[] | undefined): MailboxAddress[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  return objects.flatMap((o) =>
    o.value.flatMap((a) => (a.group ? a.group : [a])).map((a) => ({ name: a.name ?? '', address: a.address ?? '' })),
  );
}
