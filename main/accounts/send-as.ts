import type { ParsedOutgoing } from '../mime/compose-message.js';
import type { Identity } from '../../shared/schemas.js';
import { plainTextOf } from '../../shared/plain-text.js';

/** The signature separator line (RFC 3676 section 4.3): dash, dash, space. */
const SEPARATOR = '-- ';

/** The signature's lines, without trailing blanks; none when there is no signature. */
function signatureLines(signature: string | undefined): string[] {
  const body = signature?.replace(/\r\n/g, '\n').replace(/\s+$/, '');
  return body ? body.split('\n') : [];
}

/**
 * Whether `text` already ends with the signature block: compared line by line without trailing
 * spaces, since an editor or a converter may drop the separator's space ("-- " becomes "--").
 */
function endsWithBlock(text: string, block: readonly string[]): boolean {
  const lines = text.replace(/\r\n/g, '\n').replace(/\s+$/, '').split('\n').map((l) => l.trimEnd());
  const wanted = block.map((l) => l.trimEnd());
  if (lines.length < wanted.length) return false;
  return wanted.every((line, i) => lines[lines.length - wanted.length + i] === line);
}

/**
 * The text with the signature under it, once: a text already ending in that signature (a message
 * taken back with undo send and sent again, a draft reopened) is left as it is.
 */
export function appendSignature(text: string, signature: string | undefined): string {
  const lines = signatureLines(signature);
  if (lines.length === 0) return text;
  const block = [SEPARATOR, ...lines];
  if (endsWithBlock(text, block)) return text;
  return `${text.replace(/\s+$/, '')}${text.trim() ? '\n\n' : ''}${block.join('\n')}\n`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The HTML with the signature under it, as a paragraph of its own ("-- " and the signature's
 * lines, escaped), once: HTML whose text already ends in the signature is left as it is.
 */
export function appendHtmlSignature(html: string, signature: string | undefined): string {
  const lines = signatureLines(signature);
  if (lines.length === 0) return html;
  if (endsWithBlock(plainTextOf(html), [SEPARATOR, ...lines])) return html;
  return `${html}<p>${SEPARATOR}<br>${lines.map(escapeHtml).join('<br>')}</p>`;
}

/** The message as it goes out from `identity`: its From, its Reply-To unless one was given, its signature (in the HTML too). */
export function sendAs(identity: Identity, message: ParsedOutgoing): ParsedOutgoing {
  const replyTo = message.replyTo?.length ? message.replyTo : identity.replyTo ? [identity.replyTo] : undefined;
  return {
    ...message,
    from: { name: identity.name, address: identity.email },
    ...(replyTo ? { replyTo } : {}),
    text: appendSignature(message.text, identity.signature),
    ...(message.html !== undefined ? { html: appendHtmlSignature(message.html, identity.signature) } : {}),
  };
}
