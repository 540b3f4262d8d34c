import type { ParsedOutgoing } from '../mime/compose-message.js';
import type { Identity } from '../../shared/schemas.js';

/** The signature separator line (RFC 3676 section 4.3): dash, dash, space. */
const SEPARATOR = '-- ';

/**
 * The text with the signature under it, once: a text already ending in that signature (a message
 * taken back with undo send and sent again) is left as it is.
 */
export function appendSignature(text: string, signature: string | undefined): string {
  const body = signature?.replace(/\r\n/g, '\n').replace(/\s+$/, '');
  if (!body) return text;
  const block = `${SEPARATOR}\n${body}`;
  if (text.replace(/\s+$/, '').endsWith(block)) return text;
  return `${text.replace(/\s+$/, '')}${text.trim() ? '\n\n' : ''}${block}\n`;
}

/** The message as it goes out from `identity`: its From, its Reply-To unless one was given, its signature. */
export function sendAs(identity: Identity, message: ParsedOutgoing): ParsedOutgoing {
  const replyTo = message.replyTo?.length ? message.replyTo : identity.replyTo ? [identity.replyTo] : undefined;
  return {
    ...message,
    from: { name: identity.name, address: identity.email },
    ...(replyTo ? { replyTo } : {}),
    text: appendSignature(message.text, identity.signature),
  };
}
