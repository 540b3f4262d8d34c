import { describe, expect, it } from 'vitest';
import { appendHtmlSignature, appendSignature } from '../../../main/accounts/send-as.js';
import { forwardedAttachments } from '../../../main/mime/forwarded-attachments.js';
import { prepareComposed } from '../../../main/mime/prepare-composed.js';
import { sanitizeComposedHtml } from '../../../main/mime/sanitize-composed-html.js';
import MailComposer from 'nodemailer/lib/mail-composer';

/*
 * What main does with a rich message's HTML before it is composed: the allow-list that keeps
 * only what the editor makes (and cid: images), the text/plain part derived from it, the
 * signature added once in both parts, and a forward's attachments read from the original.
 */

const noSources = async () => {
  throw new Error('no source should be read');
};

describe('the sanitizer of composed HTML', () => {
  const cases: [string, string, string][] = [
    ['a script and an event handler', '<p onclick="steal()" onmouseover="x()">Hi<script>alert(1)</script></p>', '<p>Hi</p>'],
    ['a javascript: link, in any spelling', '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a><a href="java&#x09;script:alert(1)">c</a>', '<a>a</a><a>b</a><a>c</a>'],
    ['data:, file: and relative links', '<a href="data:text/html,x">a</a><a href="file:///etc/passwd">b</a><a href="/local">c</a><a href="//evil.example/">d</a>', '<a>a</a><a>b</a><a>c</a><a>d</a>'],
    ['web and mail links', '<a href="https://a.example/x?y=1&amp;z=2" target="_blank" rel="noopener">a</a> <a href="mailto:b@example.test">b</a>', '<a href="https://a.example/x?y=1&amp;z=2">a</a> <a href="mailto:b@example.test">b</a>'],
    ['a remote, data: or relative image', '<img src="https://t.example/p.gif"><img src="data:image/png;base64,AAAA"><img src="logo.png"><img src="//t.example/p">', ''],
    ['an inline image by Content-ID', '<img src="cid:logo.1@mua.example" alt="logo" onerror="x()">', '<img src="cid:logo.1@mua.example" alt="logo" />'],
    ['style, in an element or an attribute', '<style>p{background:url(https://t.example/b)}</style><p style="background:url(https://t.example/b)">x</p>', '<p>x</p>'],
    ['frames, forms, meta refresh, base and links to style sheets', '<iframe src="https://x.example"></iframe><form action="https://x.example"><input value="v">label</form><meta http-equiv="refresh" content="0;url=https://x.example"><base href="https://x.example/"><link rel="stylesheet" href="https://x.example/s.css">', 'label'],
    ['SVG and MathML', '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a><image href="https://x.example/i.png"/></svg><math><mtext>m</mtext></math>', '<a>t</a>m'],
    ['what the editor makes', '<h2>Plan</h2><p><strong>b</strong> <em>i</em> <u>u</u> <s>s</s> <code>c</code></p><blockquote><p>q</p></blockquote><ol start="3"><li><p>x</p></li></ol><ul><li><p>y</p></li></ul><hr /><pre><code>z</code></pre>', '<h2>Plan</h2><p><strong>b</strong> <em>i</em> <u>u</u> <s>s</s> <code>c</code></p><blockquote><p>q</p></blockquote><ol start="3"><li><p>x</p></li></ol><ul><li><p>y</p></li></ul><hr /><pre><code>z</code></pre>'],
    [
      'a table as the editor makes it, without its column widths, ruled',
      '<table style="min-width: 75px"><colgroup><col style="min-width: 25px"><col style="min-width: 25px"></colgroup><tbody><tr><th colspan="1" rowspan="1"><p>Day</p></th><th><p>Dish</p></th></tr><tr><td colspan="2" rowspan="1"><p>Soup and <strong>bread</strong></p></td></tr></tbody></table>',
      '<table border="1" cellpadding="4" cellspacing="0"><tbody><tr><th colspan="1" rowspan="1"><p>Day</p></th><th><p>Dish</p></th></tr><tr><td colspan="2" rowspan="1"><p>Soup and <strong>bread</strong></p></td></tr></tbody></table>',
    ],
    [
      'a pasted table: its head kept, its cells’ other attributes, and spans that are not numbers, not',
      '<table border="1" background="https://t.example/b.png" bgcolor="red"><thead><tr><th scope="col" rowspan="x2" onclick="x()">h</th></tr></thead><tbody><tr><td colspan=" 3 " style="background:url(https://t.example/b)" background="https://t.example/c.png" width="9" id="c">d</td><td rowspan="0">e</td></tr></tbody></table>',
      '<table border="1" cellpadding="4" cellspacing="0"><thead><tr><th>h</th></tr></thead><tbody><tr><td colspan="3">d</td><td>e</td></tr></tbody></table>',
    ],
  ];
  for (const [what, dirty, clean] of cases) {
    it(`handles ${what}`, () => {
      expect(sanitizeComposedHtml(dirty)).toBe(clean);
    });
  }

  it('lets no CR LF in the HTML make a header line: it stays in the HTML part’s body', async () => {
    const html = sanitizeComposedHtml('<p>a</p>\r\n\r\nBcc: evil@example.test\r\n.\r\n');
    const raw = (await new MailComposer({ from: 'a@example.test', to: 'b@example.test', subject: 's', text: 't', html }).compile().build()).toString('latin1');
    const header = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(header).not.toMatch(/^Bcc:/im);
    // The line stays in the HTML part's body, below that part's own header.
    const htmlPart = raw.slice(raw.indexOf('Content-Type: text/html'));
    expect(htmlPart.indexOf('\r\n\r\n')).toBeLessThan(htmlPart.indexOf('Bcc: evil@example.test'));
  });
});

describe('preparing what the composer sent', () => {
  it('derives the text/plain part from the sanitized HTML when no text was given', async () => {
    const ready = await prepareComposed({ accountId: 'acc_12345678', text: '', html: '<p>Hi <b>there</b></p><script>x</script><blockquote><p>quoted</p></blockquote>' }, undefined, noSources);
    expect(ready.html).toBe('<p>Hi <b>there</b></p><blockquote><p>quoted</p></blockquote>');
    expect(ready.text).toBe('Hi there\n> quoted');
  });

  it('keeps a table in the HTML part and lays it out in columns in the text part', async () => {
    const html =
      '<p>Menu:</p><table style="min-width: 50px"><colgroup><col style="min-width: 25px"><col style="min-width: 25px"></colgroup><tbody><tr><th><p>Day</p></th><th><p>Dish</p></th></tr><tr><td><p>Monday</p></td><td><p>Soup</p></td></tr><tr><td><p>Tuesday</p></td><td><p>Salad</p></td></tr></tbody></table>';
    const ready = await prepareComposed({ accountId: 'acc_12345678', text: '', html }, undefined, noSources);
    expect(ready.html).toBe(
      '<p>Menu:</p><table border="1" cellpadding="4" cellspacing="0"><tbody><tr><th><p>Day</p></th><th><p>Dish</p></th></tr><tr><td><p>Monday</p></td><td><p>Soup</p></td></tr><tr><td><p>Tuesday</p></td><td><p>Salad</p></td></tr></tbody></table>',
    );
    expect(ready.text).toBe('Menu:\n\nDay       Dish\nMonday    Soup\nTuesday   Salad');
  });

  it('keeps a text part that was given, and leaves a plain message alone', async () => {
    const rich = await prepareComposed({ accountId: 'acc_12345678', text: 'As typed', html: '<p>As <b>typed</b></p>' }, undefined, noSources);
    expect(rich.text).toBe('As typed');
    const plain = { accountId: 'acc_12345678', text: 'Just text' };
    expect(await prepareComposed(plain, undefined, noSources)).toBe(plain);
  });

  it('refuses forwarded attachments that take the total past 25 MB, and puts them after the person’s own otherwise', async () => {
    const big = `From: a@example.test\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(20 * 1024 * 1024, 7).toString('base64')}\r\n--b--\r\n`;
    const sources = async () => Buffer.from(big);
    const own = { filename: 'own.bin', contentType: 'application/octet-stream', contentBase64: Buffer.alloc(6 * 1024 * 1024, 1).toString('base64') };
    const ref = { folder: 'INBOX', uid: 1, index: 0, filename: 'big.bin' };
    await expect(prepareComposed({ accountId: 'acc_12345678', text: 'x', attachments: [own] }, [ref], sources)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const ready = await prepareComposed({ accountId: 'acc_12345678', text: 'x', attachments: [{ ...own, contentBase64: 'AQID' }] }, [ref], sources);
    expect(ready.attachments!.map((a) => a.filename)).toEqual(['own.bin', 'big.bin']);
    expect(Buffer.from(ready.attachments![1]!.contentBase64, 'base64').equals(Buffer.alloc(20 * 1024 * 1024, 7))).toBe(true);
  });

  it('reads attachments by their place among the original’s, skipping the text parts, and checks their names', async () => {
    const original = [
      'From: a@example.test',
      'Subject: two files',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: multipart/alternative; boundary=c',
      '',
      '--c',
      'Content-Type: text/plain',
      '',
      'text',
      '--c',
      'Content-Type: text/html',
      '',
      '<p>text</p>',
      '--c--',
      '--b',
      'Content-Type: image/png; name=one.png',
      'Content-Disposition: attachment; filename=one.png',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from([1, 2, 3]).toString('base64'),
      '--b',
      'Content-Type: application/pdf; name=two.pdf',
      'Content-Disposition: attachment; filename=two.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4\r\n\x00\xff', 'latin1').toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    const sources = async () => Buffer.from(original);
    const got = await forwardedAttachments(sources, 'acc_12345678', [{ folder: 'INBOX', uid: 9, index: 1, filename: 'two.pdf' }]);
    expect(got).toEqual([{ filename: 'two.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4\r\n\x00\xff', 'latin1').toString('base64') }]);
    await expect(forwardedAttachments(sources, 'acc_12345678', [{ folder: 'INBOX', uid: 9, index: 2, filename: 'three.txt' }])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(forwardedAttachments(sources, 'acc_12345678', [{ folder: 'INBOX', uid: 9, index: 0, filename: 'two.pdf' }])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the signature, once, in both parts', () => {
  it('adds it to the HTML as a paragraph, escaped, and not again to HTML that already ends with it', () => {
    const signed = appendHtmlSignature('<p>Hello</p>', 'Alice\nPlans & <Plots>');
    expect(signed).toBe('<p>Hello</p><p>-- <br>Alice<br>Plans &amp; &lt;Plots&gt;</p>');
    expect(appendHtmlSignature(signed, 'Alice\nPlans & <Plots>')).toBe(signed);
    // As the editor and the sanitizer write it back: the separator's space gone, <br /> for <br>.
    const rewritten = sanitizeComposedHtml('<p>Hello</p><p>--<br />Alice<br />Plans &amp; &lt;Plots&gt;</p>');
    expect(appendHtmlSignature(rewritten, 'Alice\nPlans & <Plots>')).toBe(rewritten);
    expect(appendHtmlSignature('<p>Hello</p>', undefined)).toBe('<p>Hello</p>');
  });

  it('adds it to the text once, also when the separator lost its space on the way', () => {
    expect(appendSignature('Hello', 'Alice')).toBe('Hello\n\n-- \nAlice\n');
    expect(appendSignature('Hello\n\n--\nAlice', 'Alice')).toBe('Hello\n\n--\nAlice');
  });
});
