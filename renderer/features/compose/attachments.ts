import { attachableContentType, attachableFilename, MAX_ATTACHMENTS_BYTES } from '../../../shared/attachment-limits.js';
import type { OutgoingAttachment } from '../../../shared/schemas.js';

/** An attachment in the composer: what mail.send takes, and its size for the list. */
export type ComposerAttachment = OutgoingAttachment & { size: number };

/** A file as the composer reads it (File in the browser; anything with these in tests). */
export type PickedFile = { name: string; type: string; size: number; arrayBuffer?: () => Promise<ArrayBuffer> };

/** The file's bytes: Blob.arrayBuffer where there is one, else a FileReader (older DOMs). */
function bytesOf(file: PickedFile): Promise<ArrayBuffer> {
  if (typeof file.arrayBuffer === 'function') return file.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}.`));
    reader.readAsArrayBuffer(file as unknown as Blob);
  });
}

/** 1,234 bytes → "1.2 KB"; sizes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Bytes to base64 without line breaks, in chunks (a 25 MB file must not blow the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}


/**
 * Reads picked or dropped files into attachments, after those already there. Files that would
 * take the total over 25 MB are left out, and the error says which and why; the rest are added.
 */
export async function readAttachments(
  files: readonly PickedFile[],
  already: readonly { size: number }[],
): Promise<{ added: ComposerAttachment[]; error?: string }> {
  let total = already.reduce((sum, a) => sum + a.size, 0);
  const added: ComposerAttachment[] = [];
  const refused: string[] = [];
  const refusedUnreadable: string[] = [];
  for (const file of files) {
    if (total + file.size > MAX_ATTACHMENTS_BYTES) {
      refused.push(`${file.name} (${formatSize(file.size)})`);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await bytesOf(file));
    } catch {
      refusedUnreadable.push(file.name);
      continue;
    }
    total += bytes.length;
    added.push({ filename: attachableFilename(file.name), contentType: attachableContentType(file.type), contentBase64: toBase64(bytes), size: bytes.length });
  }
  const errors = [
    refused.length ? `Attachments may come to at most 25 MB in all. Not attached: ${refused.join(', ')}. Share large files through a link instead.` : '',
    refusedUnreadable.length ? `Could not read ${refusedUnreadable.join(', ')}; it was not attached.` : '',
  ].filter(Boolean);
  return errors.length ? { added, error: errors.join(' ') } : { added };
}

/** The contract's attachment, without the composer's size. */
export function forSending({ size: _size, ...attachment }: ComposerAttachment): OutgoingAttachment {
  return attachment;
}

/** An attachment the contract carries (a draft reopened, a message taken back), with its size worked out. */
export function fromOutgoing(attachment: OutgoingAttachment): ComposerAttachment {
  const b64 = attachment.contentBase64;
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return { ...attachment, size: (b64.length / 4) * 3 - padding };
}

/**
 * Whether the text says something is attached: "attached", "attachment", "enclosed", "see the
 * file"... Quoted lines ("> ...", what someone else wrote) and the forwarded part do not count.
 */
export function mentionsAttachment(text: string): boolean {
  const own = text
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .split(/^-{5,} ?Forwarded message/m)[0]!
    .split(/^On .+ wrote:$/m)[0]!;
  return /\b(attach(ed|ment|ments|ing)?|enclos(ed|ure|ing)|see the (attached |enclosed )?files?|i('ve| have) included (the )?files?|pi[eè]ce jointe|anhang|angeh[äa]ngt)\b/i.test(own);
}
