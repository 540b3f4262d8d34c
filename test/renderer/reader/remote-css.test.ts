// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { cssUrls, srcsetCandidates, stripCssUrls } from '../../../renderer/features/reader/remote-content.js';
import { sanitizeHtml } from '../../../renderer/features/reader/sanitize-html.js';
import { mailFrameContentSecurityPolicy, mailFrameRequestOf, mailFrameUrl } from '../../../shared/mail-frame.js';

const KEY = 'cd'.repeat(32);
const parse = (html: string) => new DOMParser().parseFromString(`<!doctype html><html><body>${html}</body></html>`, 'text/html');

describe('remote fonts and other CSS loads', () => {
  const css = `
@font-face { font-family: Brand; src: url(https://fonts.test/brand.woff2) format("woff2"), url('https://fonts.test/brand.woff') format('woff'); }
@import url(https://css.test/a.css);
@import'https://css.test/b.css';
@import "https://css.test/c.css" screen;
body { font-family: Brand; background: #fff url("https://img.test/bg.png") no-repeat; }
.cursor { cursor: url(https://img.test/cursor.cur), auto; }
.set { background-image: image-set("https://img.test/1x.png" 1x, "https://img.test/2x.png" 2x); }
.webkit { background-image: -webkit-image-set(url(https://img.test/w1.png) 1x, "https://img.test/w2.png" 2x); }
.escaped { background: \\75 rl(https://img.test/escaped.png); }
.unclosed { background: url(https://img.test/unclosed.png`;

  it('finds every URL the browser would load, escapes and unclosed ones included', () => {
    expect(cssUrls(css)).toEqual([
      'https://fonts.test/brand.woff2',
      'https://fonts.test/brand.woff',
      'https://css.test/a.css',
      'https://css.test/b.css',
      'https://css.test/c.css',
      'https://img.test/bg.png',
      'https://img.test/cursor.cur',
      'https://img.test/1x.png',
      'https://img.test/2x.png',
      'https://img.test/w1.png',
      'https://img.test/w2.png',
      'https://img.test/escaped.png',
      'https://img.test/unclosed.png',
    ]);
  });

  it('takes them all out of a <style> until remote content is allowed, and counts each in the report', () => {
    const blocked = sanitizeHtml(`<style>${css}</style><p style="font-family: Brand">Hello</p>`, { allowRemote: false });
    expect(blocked.html).not.toMatch(/fonts\.test|css\.test|img\.test/);
    expect(blocked.report.count).toBe(13);
    expect(blocked.report.hosts).toEqual(['css.test', 'fonts.test', 'img.test']);
    const style = parse(blocked.html).querySelector('style')!.textContent!;
    // What is left is the rest of the CSS, as written.
    expect(style).toContain('src: none format("woff2"), none format(\'woff\')');
    expect(style).toContain('background: #fff none no-repeat;');
    expect(style).toContain('font-family: Brand;');

    const allowed = sanitizeHtml(`<style>${css}</style>`, { allowRemote: true });
    expect(parse(allowed.html).querySelector('style')!.textContent).toContain('url(https://fonts.test/brand.woff2)');
    expect(allowed.report.count).toBe(13);
  });

  it('a font in a style attribute is caught the same way', () => {
    const r = sanitizeHtml('<p style="background-image:url(//img.test/x.png); font-family: X">x</p>', { allowRemote: false });
    expect(parse(r.html).querySelector('p')!.getAttribute('style')).toBe('background-image:none; font-family: X');
    expect(r.report.hosts).toEqual(['img.test']);
  });

  it('a replacement never runs into the text next to it', () => {
    expect(stripCssUrls('a{b:url(https://x.test/a)c}', () => false)).toBe('a{b:none c}');
    expect(stripCssUrls('@import"https://x.test/a";', () => false)).toBe('@import none;');
  });
});

describe('inline images in CSS and attributes', () => {
  const images = new Map([['bg@x', `/mail-part/${KEY}/1`]]);

  it('cid: in a background, an attribute or CSS points at the message’s own part, and is not remote content', () => {
    const r = sanitizeHtml(
      '<table background="cid:bg@x"><tr><td style="background:url(cid:bg@x)">a</td></tr></table><style>.x{background:url("cid:bg%40x")}</style>',
      { allowRemote: false, inlineImages: images },
    );
    const d = parse(r.html);
    expect(d.querySelector('table')!.getAttribute('background')).toBe(`/mail-part/${KEY}/1`);
    expect(d.querySelector('td')!.getAttribute('style')).toBe(`background:url("/mail-part/${KEY}/1")`);
    expect(d.querySelector('style')!.textContent).toBe(`.x{background:url("/mail-part/${KEY}/1")}`);
    expect(r.report.count).toBe(0);
  });

  it('cid: candidates of a srcset point at the message’s own part, keeping their descriptors; the others go unless allowed', () => {
    const html = `<img alt="hi" src="cid:bg@x" srcset="cid:bg@x 1x, https://img.test/2x.png 2x, cid:other@x 3x, data:image/png;base64,AAAA 4x">`;
    const blocked = parse(sanitizeHtml(html, { allowRemote: false, inlineImages: images }).html).querySelector('img')!;
    expect(blocked.getAttribute('src')).toBe(`/mail-part/${KEY}/1`);
    expect(blocked.getAttribute('srcset')).toBe(`/mail-part/${KEY}/1 1x, data:image/png;base64,AAAA 4x`);
    const allowed = sanitizeHtml(html, { allowRemote: true, inlineImages: images });
    expect(parse(allowed.html).querySelector('img')!.getAttribute('srcset')).toBe(`/mail-part/${KEY}/1 1x, https://img.test/2x.png 2x, data:image/png;base64,AAAA 4x`);
    expect(allowed.report.hosts).toEqual(['img.test']);
    // A comma inside a data: URL, or inside a descriptor's parentheses, does not start a candidate.
    expect(srcsetCandidates(' data:image/png;base64,AA,BB 1x,https://a.test/b.png 2x (x, y) ,, cid:c@x,')).toEqual([
      { url: 'data:image/png;base64,AA,BB', descriptor: ' 1x' },
      { url: 'https://a.test/b.png', descriptor: ' 2x (x, y)' },
      { url: 'cid:c@x', descriptor: '' },
    ]);
    const onlyRemote = parse(sanitizeHtml('<img srcset="https://img.test/a.png 1x">', { allowRemote: false, inlineImages: images }).html).querySelector('img')!;
    expect(onlyRemote.hasAttribute('srcset')).toBe(false);
  });

  it('a message cannot name a part URL itself, nor an unknown cid:', () => {
    const r = sanitizeHtml(`<img src="/mail-part/${KEY}/1" alt="a"><img src="cid:other@x" alt="b"><p style="background:url(/mail-part/${KEY}/1)">c</p>`, {
      allowRemote: true,
      inlineImages: images,
    });
    const d = parse(r.html);
    expect(d.querySelector('img[alt=a]')!.hasAttribute('src')).toBe(false);
    expect(d.querySelector('img[alt=b]')!.hasAttribute('src')).toBe(false);
    expect(d.querySelector('p')!.getAttribute('style')).toBe('background:none');
  });
});

describe('the frame’s policy for one message’s parts', () => {
  it('allows images from that message’s parts at the app’s origin, and nothing else of the app', () => {
    const policy = mailFrameContentSecurityPolicy(false, { origin: 'http://127.0.0.1:4000', key: KEY });
    const directives = policy.split('; ');
    expect(directives.filter((d) => d.startsWith('img-src '))).toEqual([`img-src data: http://127.0.0.1:4000/mail-part/${KEY}/`]);
    expect(directives.filter((d) => /https?:/.test(d))).toHaveLength(1);
    expect(mailFrameContentSecurityPolicy(true, { origin: 'app://mua', key: KEY })).toContain(`img-src data: app://mua/mail-part/${KEY}/ https: http:;`);
  });

  it('takes the key from the frame URL only when it is one, and no origin that could break the policy', () => {
    expect(mailFrameUrl(false, KEY)).toBe(`mail-frame.html?remote=0&parts=${KEY}`);
    expect(mailFrameUrl(true, 'x; script-src *')).toBe('mail-frame.html?remote=1');
    expect(mailFrameRequestOf(`remote=1&parts=${KEY}`)).toEqual({ allowRemote: true, partsKey: KEY });
    expect(mailFrameRequestOf('remote=0&parts=abc;%20script-src%20*')).toEqual({ allowRemote: false });
    expect(mailFrameContentSecurityPolicy(false, { origin: "http://x; script-src 'unsafe-inline'", key: KEY })).toMatch(/img-src data:;/);
  });
});
