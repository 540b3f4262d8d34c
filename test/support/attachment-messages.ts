import { deflateSync, crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';

/** One part of a test message: an attachment, or an inline image when it has a cid. */
export type TestPart = { filename?: string; contentType: string; content: Buffer; cid?: string; encoding?: 'base64' | 'quoted-printable' | '7bit' };

/**
 * A message with the given parts, built by nodemailer's composer as a real client would:
 * names in any script (RFC 2231 / 2047), base64 or quoted-printable, inline images by
 * Content-ID in a multipart/related beside the HTML.
 */
export function messageWithParts(subject: string, parts: TestPart[], html?: string): Promise<Buffer> {
  return new MailComposer({
    from: 'Mallory Sender <mallory@example.test>',
    to: 'carol@example.test',
    subject,
    text: 'See attached.',
    html,
    attachments: parts.map((p) => ({
      filename: p.filename ?? false,
      content: p.content,
      contentType: p.contentType,
      ...(p.cid ? { cid: p.cid, contentDisposition: 'inline' as const } : { contentDisposition: 'attachment' as const }),
      ...(p.encoding ? { contentTransferEncoding: p.encoding } : {}),
    })),
  })
    .compile()
    .build();
}

/**
 * A valid PNG of `width` × `height` pixels of noise, stored without compression, so its size is
 * about 3 × width × height bytes: a large inline image that is really an image.
 */
export function noisePng(width: number, height: number): Buffer {
  const row = 1 + width * 3;
  const raw = randomBytes(row * height);
  for (let y = 0; y < height; y++) raw[y * row] = 0; // filter type "none" on every row
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 0 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
