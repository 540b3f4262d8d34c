import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtPaths, isRendererUrl } from '../../../main/electron/paths.js';

describe('builtPaths', () => {
  it('finds the preload and the renderer beside the main bundle in out/', () => {
    const paths = builtPaths(pathToFileURL(resolve('/opt/Mua Mail/out/main/electron.js')).href);
    expect(paths.preload).toBe(resolve('/opt/Mua Mail/out/preload/preload.cjs'));
    expect(paths.rendererIndex).toBe(resolve('/opt/Mua Mail/out/renderer/index.html'));
    expect(paths.rendererDir).toBe(resolve('/opt/Mua Mail/out/renderer'));
    // Served from app://, never file://: the URL no longer depends on where the app is installed.
    expect(paths.rendererUrl).toBe('app://mua/index.html');
  });
});

describe('isRendererUrl', () => {
  const renderer = 'app://mua/index.html';

  it('accepts the renderer page, with or without a fragment', () => {
    expect(isRendererUrl(renderer, renderer)).toBe(true);
    expect(isRendererUrl(`${renderer}#/message/3`, renderer)).toBe(true);
  });

  it.each([
    pathToFileURL(resolve('/opt/mua/out/renderer/index.html')).href,
    'app://mua/other.html',
    'app://mua.evil/index.html',
    'app://evil/index.html',
    'https://mua/index.html',
    pathToFileURL(resolve('/opt/mua/out/renderer/other.html')).href,
    `${renderer}?x=1`,
    'about:srcdoc',
    'about:blank',
    'https://opt/mua/out/renderer/index.html',
    'not a url',
    '',
  ])('rejects %s', (url) => {
    expect(isRendererUrl(url, renderer)).toBe(false);
  });
});
