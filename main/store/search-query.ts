/**
 * Turns what a person types into the search box into a safe query: an FTS5 MATCH expression
 * (passed as a bound parameter) plus SQL conditions whose values are bound parameters too.
 * No user text is ever spliced into SQL, and every user word reaches FTS5 inside a double-quoted
 * string (inner quotes doubled), where `*`, `NEAR(`, `OR`, `-`, `:` and `^` are plain text.
 *
 * Operators:
 *   from:x  to:x  subject:x   words in that field (to: covers To and Cc); x may be "quoted"
 *   has:attachment  is:unread  is:read  is:flagged
 *   before:YYYY-MM-DD   arrived before that day began
 *   after:YYYY-MM-DD    arrived after that day ended (both exclusive, like IMAP BEFORE / SINCE+1)
 * Other words match anywhere (sender, recipients, subject, body); a bare word matches as a
 * prefix (search as you type: "invo" finds "invoice"), a "quoted phrase" matches exactly.
 * A word after a minus (-paid) excludes the messages that have it (exact word, not a prefix).
 * Terms combine with AND. Anything unrecognised (an unknown operator, a bad date) is searched as
 * plain words rather than dropped, so a typo narrows the result instead of silently widening it.
 */

export type ParsedSearch = {
  /** An FTS5 MATCH expression, or null when the query has no text terms. */
  match: string | null;
  /** SQL conditions on the messages table aliased `m`, joined with AND. Fixed text only. */
  conditions: string[];
  /** Values for the `?` placeholders in `conditions`, in order. */
  params: (string | number)[];
  /** False when nothing searchable was typed: the caller returns no results. */
  hasTerms: boolean;
};

export type SearchQueryOptions = {
  /** Day boundaries for before:/after: in UTC instead of the local time zone (tests, servers). */
  utc?: boolean;
};

type Token = { operator: string | null; value: string; quoted: boolean };

const FIELD_COLUMNS: Record<string, string> = { from: 'sender', to: 'recipients', subject: 'subject' };
const OPERATORS = new Set(['from', 'to', 'subject', 'has', 'is', 'before', 'after']);

/** The unicode61 tokenizer keeps letters, numbers and private-use characters; all else separates. */
const TOKEN_CHARACTER = /[\p{L}\p{N}\p{Co}]/u;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readQuoted = (): string => {
    // i is at the opening quote; an unterminated quote runs to the end of the input.
    const end = input.indexOf('"', i + 1);
    const value = input.slice(i + 1, end === -1 ? input.length : end);
    i = end === -1 ? input.length : end + 1;
    return value;
  };
  const readBare = (): string => {
    const start = i;
    while (i < input.length && !/\s/u.test(input[i]!)) i++;
    return input.slice(start, i);
  };
  while (i < input.length) {
    if (/\s/u.test(input[i]!)) {
      i++;
      continue;
    }
    const operator = /^([a-z]+):/iu.exec(input.slice(i, i + 12));
    if (operator && OPERATORS.has(operator[1]!.toLowerCase()) && i + operator[0].length < input.length && !/\s/u.test(input[i + operator[0].length]!)) {
      i += operator[0].length;
      if (input[i] === '"') tokens.push({ operator: operator[1]!.toLowerCase(), value: readQuoted(), quoted: true });
      else tokens.push({ operator: operator[1]!.toLowerCase(), value: readBare(), quoted: false });
    } else if (input[i] === '"') {
      tokens.push({ operator: null, value: readQuoted(), quoted: true });
    } else {
      tokens.push({ operator: null, value: readBare(), quoted: false });
    }
  }
  return tokens;
}

/** One FTS5 string: the text inside double quotes, with any double quote doubled. */
function ftsString(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** A phrase for FTS5, or null when the text holds nothing the index could match. */
function ftsPhrase(text: string, prefix: boolean): string | null {
  if (!TOKEN_CHARACTER.test(text)) return null;
  // A prefix only makes sense when the text ends in a word character ("ali" -> alice);
  // "alice@" ends in a separator and means the whole word.
  const last = text.at(-1) ?? '';
  return ftsString(text) + (prefix && TOKEN_CHARACTER.test(last) ? '*' : '');
}

export function dayStart(value: string, utc: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  // Reject 2024-02-30 and friends rather than let Date roll them over.
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return utc ? probe.getTime() : new Date(y, mo - 1, d).getTime();
}

export function nextDayStart(value: string, utc: boolean): number | null {
  const start = dayStart(value, utc);
  if (start === null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(value)!;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Calendar arithmetic, not +24 h: a local day across a DST change is 23 or 25 hours.
  return utc ? Date.UTC(y, mo - 1, d + 1) : new Date(y, mo - 1, d + 1).getTime();
}

export function parseSearch(input: string, options: SearchQueryOptions = {}): ParsedSearch {
  const utc = options.utc ?? false;
  const phrases: string[] = [];
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  let unmatchable = false;

  const addText = (text: string, quoted: boolean, column: string | null) => {
    const phrase = ftsPhrase(text, !quoted);
    if (phrase === null) {
      // An operator with nothing searchable (from:"@@") can match nothing; a stray symbol
      // among free words ("*", "-") is simply ignored, as a person would expect.
      if (column) unmatchable = true;
      return;
    }
    phrases.push(column ? `${column} : ${phrase}` : phrase);
  };

  for (const token of tokenize(input)) {
    const { operator, value, quoted } = token;
    const asText = () => addText(operator ? `${operator}:${value}` : value, quoted && !operator, null);
    switch (operator) {
      case null:
        if (!quoted && value.length > 1 && value.startsWith('-')) {
          const phrase = ftsPhrase(value.slice(1), false);
          // FTS5's NOT needs a left-hand side, so exclusion is done in SQL: "-paid" alone works.
          if (phrase !== null) {
            conditions.push('m.id NOT IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)');
            params.push(phrase);
          }
        } else addText(value, quoted, null);
        break;
      case 'from':
      case 'to':
      case 'subject':
        addText(value, quoted, FIELD_COLUMNS[operator]!);
        break;
      case 'has':
        if (value.toLowerCase() === 'attachment' || value.toLowerCase() === 'attachments') conditions.push('m.has_attachments = 1');
        else asText();
        break;
      case 'is': {
        const flag = value.toLowerCase();
        if (flag === 'unread') conditions.push('m.seen = 0');
        else if (flag === 'read') conditions.push('m.seen = 1');
        else if (flag === 'flagged' || flag === 'starred') conditions.push('m.flagged = 1');
        else asText();
        break;
      }
      case 'before': {
        const limit = dayStart(value, utc);
        if (limit === null) asText();
        else {
          conditions.push('m.internal_date < ?');
          params.push(limit);
        }
        break;
      }
      case 'after': {
        const limit = nextDayStart(value, utc);
        if (limit === null) asText();
        else {
          conditions.push('m.internal_date >= ?');
          params.push(limit);
        }
        break;
      }
      default:
        asText();
    }
  }

  if (unmatchable) conditions.push('0');
  return {
    match: phrases.length > 0 ? phrases.join(' AND ') : null,
    conditions,
    params,
    hasTerms: phrases.length > 0 || conditions.length > 0,
  };
}
