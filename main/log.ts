/**
 * The app's only logger. It takes a fixed message and a small record of facts; callers never
 * pass passwords, tokens or message bodies, and `redact` strips any field whose name suggests
 * a secret in case one slips through.
 */
type Fields = Record<string, string | number | boolean | undefined>;

const SECRET_FIELD = /pass|secret|token|auth|body|text|html/i;

function redact(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET_FIELD.test(key) ? '[redacted]' : value;
  return out;
}

function write(level: 'info' | 'warn' | 'error', message: string, fields: Fields = {}): void {
  if (process.env.MUA_LOG === 'silent') return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...redact(fields) });
  process.stderr.write(line + '\n');
}

export const log = {
  info: (message: string, fields?: Fields) => write('info', message, fields),
  warn: (message: string, fields?: Fields) => write('warn', message, fields),
  error: (message: string, fields?: Fields) => write('error', message, fields),
};
