/** Rich text (HTML beside a plain-text part) or plain text only. */
export type Format = 'rich' | 'plain';

const KEY = 'mua.compose.format';

/** The format a new message opens in: the one the person last switched to (plain until then). */
export function preferredFormat(): Format {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'rich' ? 'rich' : 'plain';
  } catch {
    // Storage refused (a locked-down profile): plain, as before any choice.
    return 'plain';
  }
}

export function rememberFormat(format: Format): void {
  try {
    globalThis.localStorage?.setItem(KEY, format);
  } catch {
    // Not remembered; the switch still works for this message.
  }
}
