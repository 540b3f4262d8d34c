import { describe, expect, it } from 'vitest';
import { isEmailAddress, MAX_ATTACHMENTS_BYTES, outgoingMessageSchema, type OutgoingMessage } from '../../shared/schemas.js';

const base: OutgoingMessage = { accountId: 'acc_12345678', to: ['bob@example.test'], subject: 's', text: 't' };

function issue(message: Partial<OutgoingMessage> & Record<string, unknown>) {
  const result = outgoingMessageSchema.safeParse({ ...base, ...message });
  return result.success ? undefined : result.error.issues[0];
}

describe('addresses', () => {
  it.each([
    'bob@example.test',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.test",
    'a!#$%&*/=?^_`{|}~-b@example.test',
    'пример@пример.рф',
    '用户@例子.广告',
    'josé@bücher.example',
    'ascii@bücher.example',
    'user@xn--bcher-kva.example',
  ])('takes %s', (address) => {
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    '',
    'bob',
    'bob@',
    '@example.test',
    'bob@localhost',
    'bob@example',
    'bob@example.123',
    'a..b@example.test',
    '.a@example.test',
    'a.@example.test',
    'a b@example.test',
    '"quoted"@example.test',
    'bob@-example.test',
    'bob@example-.test',
    'bob@exa_mple.test',
    'bob@[127.0.0.1]',
    'bob@127.0.0.1',
    'rtl\u202egpj.exe@example.test',
    'zero\u200bwidth@example.test',
    'nb\u00a0sp@example.test',
    'a<b@example.test',
    'a@b@example.test',
    `${'x'.repeat(65)}@example.test`,
    `${'ж'.repeat(33)}@example.test`,
  ])('refuses %j', (address) => {
    expect(isEmailAddress(address)).toBe(false);
  });

  it('names the field and the bad address', () => {
    expect(issue({ cc: ['bob@example.test', 'not-an-address'] })).toMatchObject({
      path: ['cc', 1],
      message: 'Cc: “not-an-address” is not a valid email address.',
    });
    expect(issue({ replyTo: ['x@'] })?.message).toBe('Reply-To: “x@” is not a valid email address.');
  });
});

describe('attachments', () => {
  const attachment = { filename: 'a.bin', contentType: 'application/octet-stream', contentBase64: 'AAEC' };

  it('takes base64 content, an inline image with a content ID, and no attachments at all', () => {
    expect(issue({ attachments: [attachment, { ...attachment, filename: 'p.png', contentType: 'image/png', contentId: 'p1@x', inline: true }] })).toBeUndefined();
    expect(issue({})).toBeUndefined();
  });

  it('refuses more than 25 MB in all, and says so', () => {
    const half = 'A'.repeat(Math.ceil(MAX_ATTACHMENTS_BYTES / 2 / 3) * 4 + 4);
    const found = issue({ attachments: [{ ...attachment, contentBase64: half }, { ...attachment, contentBase64: half }] });
    expect(found?.message).toMatch(/^Attachments may come to at most 25 MB in all; these come to 25\.0 MB\.$/);
    const one = issue({ attachments: [{ ...attachment, contentBase64: 'A'.repeat(Math.ceil(MAX_ATTACHMENTS_BYTES / 3) * 4 + 4) }] });
    expect(one?.message).toContain('25 MB');
  });

  it('takes exactly 25 MB', () => {
    const exact = Buffer.alloc(MAX_ATTACHMENTS_BYTES).toString('base64');
    expect(issue({ attachments: [{ ...attachment, contentBase64: exact }] })).toBeUndefined();
  });

  it.each([
    [{ contentBase64: 'not base64!' }, /must be base64/],
    [{ contentBase64: 'AAE' }, /must be base64/],
    [{ contentBase64: 'AA\r\nEC' }, /must be base64/],
    [{ contentType: 'png' }, /MIME type/],
    [{ contentType: 'image/png; name=x' }, /MIME type/],
    [{ contentType: 'multipart/mixed' }, /multipart/],
    [{ filename: '' }, /needs a file name/],
    [{ filename: 'x'.repeat(256) }, /at most 255/],
    [{ filename: 'a\u0000b' }, /control characters/],
    [{ filename: 'a\tb' }, /control characters/],
    [{ contentId: '<x@y>' }, /content ID/],
  ])('refuses an attachment with %j', (change, message) => {
    expect(issue({ attachments: [{ ...attachment, ...change }] })?.message).toMatch(message);
  });

  it('refuses two inline images with the same content ID', () => {
    const found = issue({ attachments: [{ ...attachment, contentId: 'same@x' }, { ...attachment, contentId: 'SAME@x' }] });
    expect(found?.message).toMatch(/same content ID/);
  });
});
