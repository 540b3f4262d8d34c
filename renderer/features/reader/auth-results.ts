/**
 * Authentication-Results (RFC 8601) for the reader's badge: what the receiving server found
 * when it checked the message's SPF, DKIM and DMARC. Pure: header values in, a verdict out.
 *
 *   Authentication-Results: mx.example.net (Postfix) 1;
 *     spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com;
 *     dkim=pass header.d=example.com header.s=sel; dmarc=pass header.from=example.com
 *
 * Only the topmost field that carries results counts: it was added by the server nearest to
 * us (ours), while fields further down came with the message and could say anything.
 */

export type Verdict = 'pass' | 'fail' | 'none';
export type Method = 'spf' | 'dkim' | 'dmarc';

export type MethodResult = {
  method: Method;
  /** The result word as the server wrote it (pass, fail, softfail, neutral, none, temperror, permerror, policy). */
  result: string;
  verdict: Verdict;
  /** The properties that say what was checked, e.g. header.d=example.com or smtp.mailfrom=example.com. */
  properties: Record<string, string>;
};

export type AuthenticationSummary = {
  /** The server that did the checks, or undefined when there is no usable field. */
  authservId?: string;
  spf: MethodResult | undefined;
  dkim: MethodResult | undefined;
  dmarc: MethodResult | undefined;
  /** pass: DMARC passed (or, without DMARC, DKIM or SPF did); fail: DMARC failed (or both others did); none: no verdict. */
  overall: Verdict;
};

const METHODS: readonly Method[] = ['spf', 'dkim', 'dmarc'];

/** Result words taken as a failure: fail, SPF's softfail, and a broken record (permerror). */
function verdictOf(result: string): Verdict {
  if (result === 'pass') return 'pass';
  if (result === 'fail' || result === 'softfail' || result === 'permerror') return 'fail';
  return 'none';
}

/** Removes (nested) comments outside quoted strings, and unfolds the field. */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && c === '(') {
      depth++;
      if (depth === 1) out += ' ';
    } else if (!quoted && c === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      out += c;
    }
  }
  return out.replace(/\r?\n[ \t]*/g, ' ');
}

/** Splits at semicolons outside quoted strings. */
function splitResults(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

const unquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

export type ParsedField = { authservId: string; results: MethodResult[] };

/** One Authentication-Results field's value; undefined when it is not one. */
export function parseAuthenticationResults(value: string): ParsedField | undefined {
  const [head, ...rest] = splitResults(stripComments(value));
  // authserv-id [version]; the id may be a quoted string.
  const id = head?.match(/^("(?:[^"\\]|\\.)*"|[^\s;]+)(?:\s+\d+)?\s*$/);
  if (!id) return undefined;
  const results: MethodResult[] = [];
  for (const resinfo of rest) {
    // method[/version] = result, then an optional reason= and ptype.property=value pairs.
    const match = resinfo.match(/^([A-Za-z0-9_-]+)(?:\s*\/\s*\d+)?\s*=\s*([A-Za-z0-9_-]+)\s*(.*)$/s);
    if (!match) continue;
    const method = match[1]!.toLowerCase();
    if (!(METHODS as readonly string[]).includes(method)) continue;
    const result = match[2]!.toLowerCase();
    const properties: Record<string, string> = {};
    for (const pair of match[3]!.matchAll(/([A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/g)) {
      const key = pair[1]!.toLowerCase();
      if (!(key in properties)) properties[key] = unquote(pair[2]!);
    }
    results.push({ method: method as Method, result, verdict: verdictOf(result), properties });
  }
  return { authservId: unquote(id[1]!), results };
}

/** Of several results for one method (a message may carry several DKIM signatures): a pass wins, then a fail. */
function best(results: MethodResult[], method: Method): MethodResult | undefined {
  const of = results.filter((r) => r.method === method);
  return of.find((r) => r.verdict === 'pass') ?? of.find((r) => r.verdict === 'fail') ?? of[0];
}

/** The badge's reading of a message's Authentication-Results fields (topmost first, as in the header). */
export function summarizeAuthentication(fields: readonly string[]): AuthenticationSummary {
  for (const value of fields) {
    const parsed = parseAuthenticationResults(value);
    if (!parsed || parsed.results.length === 0) continue;
    const spf = best(parsed.results, 'spf');
    const dkim = best(parsed.results, 'dkim');
    const dmarc = best(parsed.results, 'dmarc');
    let overall: Verdict;
    if (dmarc && dmarc.verdict !== 'none') overall = dmarc.verdict;
    else if (dkim?.verdict === 'pass' || spf?.verdict === 'pass') overall = 'pass';
    else if (dkim?.verdict === 'fail' && spf?.verdict === 'fail') overall = 'fail';
    else if (dkim?.verdict === 'fail' && !spf) overall = 'fail';
    else if (spf?.verdict === 'fail' && !dkim) overall = 'fail';
    else overall = 'none';
    return { authservId: parsed.authservId, spf, dkim, dmarc, overall };
  }
  return { spf: undefined, dkim: undefined, dmarc: undefined, overall: 'none' };
}

const NAMES: Record<Method, string> = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC' };

/** What each method says about the message, in plain words. */
export function explainResult(method: Method, r: MethodResult | undefined): string {
  const name = NAMES[method];
  if (!r) return `${name}: not checked.`;
  const domain = r.properties['header.d'] ?? r.properties['header.from'] ?? r.properties['smtp.mailfrom'] ?? r.properties['header.i'];
  const of = domain ? ` for ${domain}` : '';
  const what: Record<Method, Record<Verdict, string>> = {
    spf: {
      pass: `the server it came from is allowed to send mail${of}`,
      fail: `the server it came from is not allowed to send mail${of}`,
      none: `no verdict on the sending server${of}`,
    },
    dkim: {
      pass: `it carries a valid signature${of}, so it was not changed on the way`,
      fail: `its signature${of} does not check out: it may have been changed or forged`,
      none: `no usable signature${of}`,
    },
    dmarc: {
      pass: `the sender’s address${of} is confirmed by SPF or DKIM`,
      fail: `the sender’s address${of} is not confirmed: the message may be forged`,
      none: `no verdict on the sender’s address${of}`,
    },
  };
  return `${name} ${r.result}: ${what[method][r.verdict]}.`;
}

/** The badge's short label. */
export function badgeLabel(summary: AuthenticationSummary): string {
  if (summary.overall === 'pass') return 'Sender verified';
  if (summary.overall === 'fail') return 'Sender not verified';
  return 'Sender unchecked';
}
