import { randomUUID } from 'node:crypto';

/** Raw messages for the reader's tests: HTML that tries everything, remote images, inline images. */

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function header(subject: string, extra = ''): string {
  return (
    `From: Mallory Sender <mallory@example.test>\r\nTo: carol@example.test\r\nSubject: ${subject}\r\n` +
    `Date: ${new Date().toUTCString()}\r\nMessage-ID: <${randomUUID()}@example.test>\r\nMIME-Version: 1.0\r\n${extra}`
  );
}

/**
 * The HTML of a hostile message: every way it knows to run script, load a URL, submit or
 * navigate. `beacon` is a URL that any of them would reach (the tests serve it and count).
 */
export function hostileHtml(beacon: string): string {
  return `<html><head>
<meta http-equiv="refresh" content="0;url=${beacon}/refresh">
<base href="${beacon}/base/">
<link rel="stylesheet" href="${beacon}/link.css">
<style>@import url(${beacon}/import.css); @import "${beacon}/import2.css";
body { background: url('${beacon}/style-bg.png'); } .x { background: \\75 rl(${beacon}/escaped.png); }</style>
<script>document.title = 'pwned-script'; fetch('${beacon}/script');</script>
</head>
<body onload="document.title='pwned-onload'">
<h1>Hostile message</h1>
<p id="greeting" style="background-image: url(${beacon}/inline-style.png)">Hello from a hostile message.</p>
<img src="x" onerror="document.title='pwned-onerror'; new Image().src='${beacon}/onerror'">
<img src="${beacon}/remote.png" alt="remote">
<a id="js" href="javascript:document.title='pwned-js'">javascript link</a>
<a id="data" href="data:text/html,<script>alert(1)</script>">data link</a>
<a id="file" href="file:///etc/passwd">file link</a>
<a id="phish" href="https://evil.example.net/login">https://bank.example.com/login</a>
<a id="good" href="https://example.test/news">the news</a>
<form action="${beacon}/form" method="post"><input name="password" value="secret"><button type="submit">Send</button></form>
<svg><script>document.title='pwned-svg'</script><image href="${beacon}/svg-image.png"/></svg>
<iframe src="${beacon}/iframe"></iframe><object data="${beacon}/object"></object><embed src="${beacon}/embed">
<table background="${beacon}/table-bg.png"><tr><td>cell</td></tr></table>
<img src="${beacon}/pixel.gif" width="1" height="1" alt="">
</body></html>`;
}

export function htmlMessage(subject: string, html: string, text = 'This message has an HTML version.'): string {
  const boundary = `b-${randomUUID()}`;
  return (
    header(subject, `Content-Type: multipart/alternative; boundary="${boundary}"\r\n`) +
    `\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n` +
    `--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html.replace(/\r?\n/g, '\r\n')}\r\n--${boundary}--\r\n`
  );
}

/** An HTML message with an inline image (cid:), an attachment, and Authentication-Results (one folded, with comments). */
export function richMessage(subject: string): string {
  const related = `r-${randomUUID()}`;
  const mixed = `m-${randomUUID()}`;
  const auth =
    'Authentication-Results: mx.example.test (Postfix) 1;\r\n' +
    '\tspf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.test;\r\n' +
    '\tdkim=pass (2048-bit key) header.d=example.test header.s=sel;\r\n' +
    '\tdmarc=pass (p=reject dis=none) header.from=example.test\r\n' +
    'Authentication-Results: forged.example; dmarc=fail header.from=example.test\r\n';
  return (
    header(subject, `${auth}Content-Type: multipart/mixed; boundary="${mixed}"\r\n`) +
    `\r\n--${mixed}\r\nContent-Type: multipart/related; boundary="${related}"\r\n\r\n` +
    `--${related}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Logo: <img src="cid:logo@example.test" alt="logo"></p>\r\n` +
    `--${related}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <logo@example.test>\r\nContent-Disposition: inline\r\n\r\n${PNG_1X1}\r\n` +
    `--${related}--\r\n` +
    `--${mixed}\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
    `${Buffer.alloc(3000, 7).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--${mixed}--\r\n`
  );
}

export const PNG_1X1_BYTES = Buffer.from(PNG_1X1, 'base64');
