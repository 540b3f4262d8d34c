import { describe, expect, it } from 'vitest';
import {
  badgeLabel,
  explainResult,
  parseAuthenticationResults,
  stripComments,
  summarizeAuthentication,
} from '../../../renderer/features/reader/auth-results.js';

describe('Authentication-Results parsing (RFC 8601)', () => {
  it('reads the authserv-id, its version, and each method with its properties', () => {
    const parsed = parseAuthenticationResults(
      'mx.example.net 1; spf=pass smtp.mailfrom=example.com; dkim=fail reason="bad signature" header.d=example.com header.s=sel; dmarc=none header.from=example.com',
    )!;
    expect(parsed.authservId).toBe('mx.example.net');
    expect(parsed.results.map((r) => [r.method, r.result, r.verdict])).toEqual([
      ['spf', 'pass', 'pass'],
      ['dkim', 'fail', 'fail'],
      ['dmarc', 'none', 'none'],
    ]);
    expect(parsed.results[1]!.properties).toEqual({ reason: 'bad signature', 'header.d': 'example.com', 'header.s': 'sel' });
  });

  it('ignores comments in parentheses, nested ones and ones holding = and ;', () => {
    expect(stripComments('a (one (two; x=y) three) b')).toBe('a   b');
    const parsed = parseAuthenticationResults(
      'mx.example.net (Postfix (v3); build=1); spf=pass (sender IP is 192.0.2.1; dkim=fail) smtp.mailfrom=example.com',
    )!;
    expect(parsed.authservId).toBe('mx.example.net');
    expect(parsed.results).toHaveLength(1);
    expect(parsed.results[0]).toMatchObject({ method: 'spf', result: 'pass', properties: { 'smtp.mailfrom': 'example.com' } });
  });

  it('reads a folded header and a quoted authserv-id; "none" means no results', () => {
    const folded = 'mx.example.net;\r\n\tspf=softfail\r\n smtp.mailfrom=example.com;\r\n\tdkim=pass\r\n header.d=example.com';
    const parsed = parseAuthenticationResults(folded)!;
    expect(parsed.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=softfail', 'dkim=pass']);
    expect(parsed.results[0]!.verdict).toBe('fail');
    expect(parseAuthenticationResults('"mx example"; none')).toEqual({ authservId: 'mx example', results: [] });
    expect(parseAuthenticationResults('')).toBeUndefined();
  });

  it('skips methods it does not know (arc, iprev, auth) and method versions', () => {
    const parsed = parseAuthenticationResults('mx.example.net; arc=pass; iprev=pass policy.iprev=192.0.2.1; dkim/1=pass header.d=a.example')!;
    expect(parsed.results.map((r) => r.method)).toEqual(['dkim']);
  });
});

describe('the badge', () => {
  it('trusts only the topmost field with results: fields below came with the message', () => {
    const summary = summarizeAuthentication([
      'mx.example.net; spf=fail smtp.mailfrom=bank.example; dkim=none; dmarc=fail header.from=bank.example',
      'forged.example; spf=pass; dkim=pass header.d=bank.example; dmarc=pass header.from=bank.example',
    ]);
    expect(summary.authservId).toBe('mx.example.net');
    expect(summary.overall).toBe('fail');
    expect(badgeLabel(summary)).toBe('Sender not verified');
    expect(explainResult('dmarc', summary.dmarc)).toMatch(/^DMARC fail: .*bank\.example.*may be forged/);
  });

  it('with several DKIM signatures, one that passes is enough', () => {
    const summary = summarizeAuthentication(['mx.example.net; dkim=fail header.d=list.example; dkim=pass header.d=example.com; spf=none']);
    expect(summary.dkim?.properties['header.d']).toBe('example.com');
    expect(summary.overall).toBe('pass');
    expect(badgeLabel(summary)).toBe('Sender verified');
  });

  it('DMARC decides when it has a verdict; without any field there is none', () => {
    expect(summarizeAuthentication(['mx; spf=pass; dkim=pass; dmarc=fail']).overall).toBe('fail');
    expect(summarizeAuthentication(['mx; spf=fail; dkim=fail; dmarc=pass']).overall).toBe('pass');
    expect(summarizeAuthentication(['mx; spf=neutral; dkim=none']).overall).toBe('none');
    expect(summarizeAuthentication(['mx; none', 'other; dmarc=pass']).authservId).toBe('other');
    const empty = summarizeAuthentication([]);
    expect(empty.overall).toBe('none');
    expect(explainResult('spf', empty.spf)).toBe('SPF: not checked.');
  });
});
