import { describe, expect, it } from 'vitest';
import { composeRequestSchema } from '../../../shared/contract.js';
import { ComposeRequests } from '../../../main/electron/compose-requests.js';
import { findMailtoArgument, MAX_MAILTO_LENGTH, parseMailto } from '../../../main/electron/mailto.js';

process.env.MUA_LOG = 'silent';

describe('parseMailto (RFC 6068)', () => {
  it('reads a plain address', () => {
    expect(parseMailto('mailto:chris@example.com')).toEqual({ to: ['chris@example.com'], cc: [], bcc: [], subject: '', body: '', dropped: 0 });
  });

  it('reads to, cc, bcc, subject and body, percent-decoded, with several addresses', () => {
    const parsed = parseMailto(
      'mailto:a@example.org,b@example.org?cc=c@example.org,d@example.org&bcc=e@example.org&subject=Hello%20there%20%E2%9C%89&body=Line%201%0D%0ALine%202',
    );
    expect(parsed).toEqual({
      to: ['a@example.org', 'b@example.org'],
      cc: ['c@example.org', 'd@example.org'],
      bcc: ['e@example.org'],
      subject: 'Hello there ✉',
      body: 'Line 1\nLine 2',
      dropped: 0,
    });
    const { dropped: _dropped, ...request } = parsed!;
    expect(composeRequestSchema.safeParse(request).success).toBe(true);
  });

  it('joins to= fields with the path, takes field names in any case, and the scheme in any case', () => {
    expect(parseMailto('MAILTO:a@x.org?TO=b@x.org&To=c@x.org&SUBJECT=s')).toMatchObject({ to: ['a@x.org', 'b@x.org', 'c@x.org'], subject: 's' });
  });

  it('RFC 6068 examples: an empty path with to=, a percent-encoded address, and a plus sign kept', () => {
    expect(parseMailto('mailto:?to=joe@example.com&cc=bob@example.com&body=hello')).toMatchObject({ to: ['joe@example.com'], cc: ['bob@example.com'], body: 'hello' });
    expect(parseMailto('mailto:%22not%40me%22@example.org')?.to).toEqual([]);
    expect(parseMailto('mailto:joe+tag@example.com?subject=1+1')).toMatchObject({ to: ['joe+tag@example.com'], subject: '1+1' });
    expect(parseMailto('mailto:user@example.org?subject=caf%C3%A9')?.subject).toBe('café');
  });

  it('keeps a Unicode address (RFC 6532), percent-encoded as UTF-8', () => {
    expect(parseMailto('mailto:%E7%94%B0%E4%B8%AD@%E4%BE%8B.jp')?.to).toEqual(['田中@例.jp']);
  });

  it('removes duplicates and ignores the fragment', () => {
    expect(parseMailto('mailto:a@x.org,A@x.org#frag')?.to).toEqual(['a@x.org']);
  });

  it('cleans CR and LF out of the subject: no header can be injected', () => {
    const parsed = parseMailto('mailto:a@x.org?subject=Hi%0D%0ABcc:%20victim@evil.example%0AX-Evil:%201');
    expect(parsed?.subject).toBe('Hi Bcc: victim@evil.example X-Evil: 1');
    expect(parsed?.subject).not.toMatch(/[\r\n]/);
    expect(parsed?.bcc).toEqual([]);
  });

  it('cleans control characters out of the body but keeps its lines and tabs', () => {
    expect(parseMailto('mailto:a@x.org?body=a%00b%1Bc%09d%0Ae%0Df')?.body).toBe('abc\td\ne\nf');
  });

  it('drops addresses that are not plain addr-specs, and counts them', () => {
    const parsed = parseMailto('mailto:ok@x.org,bad,%3Cx@y.org%3E,a%0D%0Ab@x.org,with%20space@x.org,two@@x.org?cc=%22Doe%2C%20J%22@x.org');
    expect(parsed?.to).toEqual(['ok@x.org']);
    expect(parsed?.cc).toEqual([]);
    expect(parsed?.dropped).toBe(6);
  });

  it('never takes other header fields from a link', () => {
    const parsed = parseMailto('mailto:a@x.org?from=boss@x.org&attach=/etc/passwd&in-reply-to=%3Cx@y%3E&X-Mailer=evil');
    expect(parsed).toEqual({ to: ['a@x.org'], cc: [], bcc: [], subject: '', body: '', dropped: 0 });
  });

  it('takes the first subject and body when a link repeats them', () => {
    expect(parseMailto('mailto:a@x.org?subject=one&subject=two&body=b1&body=b2')).toMatchObject({ subject: 'one', body: 'b1' });
  });

  it.each([
    'mailto:a@x.org?subject=%E0%A4%A',
    'mailto:a@x.org?subject=%',
    'mailto:%ZZ@x.org',
    'https://example.com/?to=a@x.org',
    'mailtox:a@x.org',
    '',
    `mailto:a@x.org?body=${'x'.repeat(MAX_MAILTO_LENGTH)}`,
  ])('refuses %s', (link) => {
    expect(parseMailto(link)).toBeNull();
  });

  it('caps the subject and the number of addresses', () => {
    const many = Array.from({ length: 150 }, (_, i) => `u${i}@x.org`).join(',');
    const parsed = parseMailto(`mailto:${many}?subject=${'s'.repeat(2000)}`);
    expect(parsed?.to).toHaveLength(100);
    expect(parsed?.dropped).toBe(50);
    expect(parsed?.subject).toHaveLength(998);
  });
});

describe('findMailtoArgument', () => {
  it('finds the link among a second instance’s arguments', () => {
    expect(findMailtoArgument(['/opt/Mua Mail/mua-mail', '--no-sandbox', 'mailto:a@x.org?subject=x'])).toBe('mailto:a@x.org?subject=x');
    expect(findMailtoArgument(['/opt/Mua Mail/mua-mail', 'https://x.org'])).toBeUndefined();
  });
});

describe('ComposeRequests', () => {
  it('keeps links until the renderer asks, then sends them at once, and waits again for a new page', () => {
    const sent: unknown[] = [];
    const requests = new ComposeRequests((r) => sent.push(r));
    expect(requests.open('mailto:a@x.org?subject=early')).toBe(true);
    expect(sent).toEqual([]);
    expect(requests.take()).toEqual([{ to: ['a@x.org'], cc: [], bcc: [], subject: 'early', body: '' }]);
    expect(requests.take()).toEqual([]);
    requests.open('mailto:b@x.org');
    expect(sent).toEqual([{ to: ['b@x.org'], cc: [], bcc: [], subject: '', body: '' }]);
    requests.rendererGone();
    requests.open('mailto:c@x.org');
    expect(sent).toHaveLength(1);
    expect(requests.take()).toHaveLength(1);
  });

  it('refuses a malformed link and keeps at most 20 waiting', () => {
    const requests = new ComposeRequests(() => {});
    expect(requests.open('mailto:%')).toBe(false);
    for (let i = 0; i < 30; i++) requests.open(`mailto:u${i}@x.org`);
    expect(requests.take()).toHaveLength(20);
  });
});
