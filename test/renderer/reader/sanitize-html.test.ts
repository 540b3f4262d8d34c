// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { decideLink, shownHost } from '../../../renderer/features/reader/links.js';
import {
  cssUrls,
  frameContentSecurityPolicy,
  hostList,
  looksLikeTrackingPixel,
  stripCssUrls,
} from '../../../renderer/features/reader/remote-content.js';
import { sanitizeHtml } from '../../../renderer/features/reader/sanitize-html.js';
import { mailFrameDocument } from '../../../shared/mail-frame.js';
import { hostileHtml } from '../../support/reader-messages.js';

const BEACON = 'http://beacon.test:8080';

/** The sanitized markup parsed back, to look at it as the frame would. */
function parse(html: string): Document {
  return new DOMParser().parseFromString(`<!doctype html><html><body>${html}</body></html>`, 'text/html');
}

describe('a hostile message, sanitized', () => {
  const blocked = sanitizeHtml(hostileHtml(BEACON), { allowRemote: false });
  const doc = parse(blocked.html);

  it('keeps its text', () => {
    expect(doc.querySelector('h1')?.textContent).toBe('Hostile message');
    expect(doc.body.textContent).toContain('Hello from a hostile message.');
    expect(doc.body.textContent).toContain('cell');
  });

  it('has no script, handler, form, meta refresh, base, plugin, frame or svg left', () => {
    for (const selector of ['script', 'meta', 'base', 'form', 'input', 'button', 'iframe', 'object', 'embed', 'svg', 'image', 'link']) {
      expect(doc.querySelectorAll(selector), selector).toHaveLength(0);
    }
    const attributes = [...doc.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name));
    expect(attributes.filter((name) => name.startsWith('on'))).toEqual([]);
    expect(attributes).not.toContain('action');
    expect(blocked.html).not.toMatch(/pwned|document\.title|fetch\(/);
  });

  it('neutralises javascript:, data: and file: links and keeps http(s) ones', () => {
    for (const id of ['js', 'data', 'file']) expect(doc.getElementById(id)?.hasAttribute('href'), id).toBe(false);
    expect(doc.getElementById('good')?.getAttribute('href')).toBe('https://example.test/news');
    expect(doc.getElementById('good')?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(blocked.neutralisedLinks).toBe(3);
  });

  it('leaves no URL of the beacon anywhere: not in src, background, style attributes nor <style>', () => {
    expect(blocked.html).not.toContain('beacon.test');
    const style = doc.querySelector('style')?.textContent ?? '';
    expect(style).toContain('background: none');
    expect(doc.getElementById('greeting')?.getAttribute('style')).toBe('background-image: none');
  });

  it('counts what was blocked, by host, and the tracking pixel apart', () => {
    // link.css, import.css, import2.css, style-bg, escaped, inline-style, remote.png, table-bg
    expect(blocked.report.count).toBe(8);
    expect(blocked.report.hosts).toEqual(['beacon.test']);
    expect(blocked.report.trackers).toEqual({ count: 1, hosts: ['beacon.test'] });
  });

  it('once remote content is allowed, keeps remote images and CSS, but never the pixel nor anything that runs', () => {
    const allowed = sanitizeHtml(hostileHtml(BEACON), { allowRemote: true });
    const d = parse(allowed.html);
    expect(d.querySelector('img[alt="remote"]')?.getAttribute('src')).toBe(`${BEACON}/remote.png`);
    expect(d.querySelector('table')?.getAttribute('background')).toBe(`${BEACON}/table-bg.png`);
    expect(d.querySelector('link[rel=stylesheet]')?.getAttribute('href')).toBe(`${BEACON}/link.css`);
    expect(allowed.html).not.toContain('pixel.gif');
    expect(allowed.html).not.toMatch(/pwned|<script|onerror|onload|<form|<iframe|<meta|<base/);
  });
});

describe('a table, as the composer sends one', () => {
  it('is kept whole: head, body, header and data cells, and how many rows or columns a cell spans', () => {
    const sent = '<table><thead><tr><th colspan="2">Menu</th></tr></thead><tbody><tr><td rowspan="2"><p>Monday</p></td><td><p>Soup</p></td></tr><tr><td><p>Bread</p></td></tr></tbody></table>';
    const { html } = sanitizeHtml(sent, { allowRemote: false });
    const d = parse(html);
    expect(html).toBe(sent);
    expect(d.querySelector('thead th')?.getAttribute('colspan')).toBe('2');
    expect([...d.querySelectorAll('tbody td')].map((td) => [td.textContent, td.getAttribute('rowspan')])).toEqual([
      ['Monday', '2'],
      ['Soup', null],
      ['Bread', null],
    ]);
  });
});

describe('remote content, piece by piece', () => {
  it('an img srcset, a protocol-relative src and a relative src', () => {
    const r = sanitizeHtml('<img srcset="https://a.test/1.png 1x, https://b.test/2.png 2x"><img src="//c.test/x.png" alt="c"><img src="/local.png" alt="rel">', {
      allowRemote: false,
    });
    expect(r.report.hosts).toEqual(['a.test', 'b.test', 'c.test']);
    expect(r.html).not.toMatch(/srcset|c\.test|local\.png/);
  });

  it('inline images as data: URLs show; cid: ones that did not resolve load nothing', () => {
    const r = sanitizeHtml('<img src="data:image/png;base64,AAAA" alt="a"><img src="cid:x@y" alt="b">', { allowRemote: false });
    const d = parse(r.html);
    expect(d.querySelector('img[alt=a]')?.getAttribute('src')).toBe('data:image/png;base64,AAAA');
    expect(d.querySelector('img[alt=b]')?.hasAttribute('src')).toBe(false);
    expect(r.report.count).toBe(0);
  });

  it('CSS: url() in every quoting, escapes and comments, @import strings, image-set', () => {
    expect(cssUrls(`a{b:url("https://q.test/1")} c{d:url('https://q.test/2')} e{f:url( https://q.test/3 )} @import "https://q.test/4";`)).toEqual([
      'https://q.test/1',
      'https://q.test/2',
      'https://q.test/3',
      'https://q.test/4',
    ]);
    expect(cssUrls('x{background:u\\72 l(https://e.test/a)}')).toEqual(['https://e.test/a']);
    // A comment splits a name in CSS: "ur", a comment, "l(" is no url() to the browser either.
    expect(cssUrls('x{background:ur/**/l(https://c.test/a)}')).toEqual([]);
    expect(cssUrls('x{background-image:image-set("https://i.test/a.png" 1x)}')).toContain('https://i.test/a.png');
    expect(stripCssUrls('color:red', () => false)).toBe('color:red');
    expect(stripCssUrls('background:url(https://x.test/a) no-repeat;color:red', () => false)).toBe('background:none no-repeat;color:red');
  });

  it('tiny or hidden remote images are tracking pixels; ordinary ones are not', () => {
    const img = (attrs: string) => parse(`<img src="https://t.test/p" ${attrs}>`).querySelector('img')!;
    expect(looksLikeTrackingPixel(img('width="1" height="1"'))).toBe(true);
    expect(looksLikeTrackingPixel(img('style="width:0px;height:0px"'))).toBe(true);
    expect(looksLikeTrackingPixel(img('style="display: none"'))).toBe(true);
    expect(looksLikeTrackingPixel(img('hidden'))).toBe(true);
    expect(looksLikeTrackingPixel(img('width="600" height="1"'))).toBe(false);
    expect(looksLikeTrackingPixel(img('width="120"'))).toBe(false);
    expect(looksLikeTrackingPixel(img(''))).toBe(false);
  });

  it('names hosts in a short list', () => {
    expect(hostList(['a.test'])).toBe('a.test');
    expect(hostList(['a.test', 'b.test'])).toBe('a.test and b.test');
    expect(hostList(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
  });
});

describe('the frame', () => {
  it('its CSP allows no script, and remote images only once allowed', () => {
    const blocked = frameContentSecurityPolicy(false);
    expect(blocked).toContain("script-src 'none'");
    expect(blocked).toContain("default-src 'none'");
    expect(blocked).toMatch(/img-src data:;/);
    expect(blocked).not.toMatch(/https?:/);
    expect(frameContentSecurityPolicy(true)).toMatch(/img-src data: https: http:;/);
    expect(frameContentSecurityPolicy(true)).toContain("script-src 'none'");
  });

  it('its document is served empty, with the policy and no referrer, for the message to be put in', () => {
    const doc = mailFrameDocument(false);
    expect(doc).toContain(`content="${frameContentSecurityPolicy(false).replace(/"/g, '&quot;')}"`);
    expect(doc).toContain('no-referrer');
    expect(doc).toMatch(/<body><\/body>/);
  });
});

describe('links', () => {
  it('open directly when the text shows no other domain', () => {
    expect(decideLink('https://example.test/a', 'Read more')).toEqual({ kind: 'open', url: 'https://example.test/a' });
    expect(decideLink('https://www.example.test/a', 'example.test')).toMatchObject({ kind: 'open' });
    expect(decideLink('https://login.bank.example/', 'https://bank.example')).toMatchObject({ kind: 'open' });
    expect(decideLink('mailto:help@bank.example', 'help@bank.example')).toMatchObject({ kind: 'open' });
  });

  it('ask first when the text shows another domain, or a user name hides the host', () => {
    expect(decideLink('https://evil.example.net/login', 'https://bank.example.com/login')).toEqual({
      kind: 'ask',
      url: 'https://evil.example.net/login',
      shownHost: 'bank.example.com',
      realHost: 'evil.example.net',
    });
    expect(decideLink('https://bank.example.com.evil.net/', 'www.bank.example.com')).toMatchObject({ kind: 'ask', realHost: 'bank.example.com.evil.net' });
    expect(decideLink('https://bank.example@evil.example/', 'Your bank')).toMatchObject({ kind: 'ask', realHost: 'evil.example' });
  });

  it('refuse anything but http, https and mailto', () => {
    for (const href of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'ftp://x.test/', '/relative', null]) {
      expect(decideLink(href, 'x').kind, String(href)).toBe('refuse');
    }
  });

  it('find the domain a text shows', () => {
    expect(shownHost('Click here')).toBeUndefined();
    expect(shownHost('https://user@bank.example/x')).toBe('bank.example');
    expect(shownHost('WWW.Bank.Example')).toBe('bank.example');
    expect(shownHost('write to help@bank.example')).toBe('bank.example');
  });
});
