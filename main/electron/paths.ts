import { fileURLToPath } from 'node:url';
import { RENDERER_URL } from './app-protocol.js';

/**
 * Where the built pieces sit next to each other in out/: main/electron.js, preload/preload.cjs and
 * renderer/index.html. Everything is worked out from the URL of the main bundle (pass
 * `import.meta.url` from main.ts) rather than from the working directory, so the app finds its
 * files the same way from `npm start`, from a packaged asar, and from any folder it is run in.
 */
export type BuiltPaths = {
  /** Absolute path of the sandboxed CommonJS preload. */
  preload: string;
  /** Absolute path of the built renderer folder: app://mua/ serves this folder and nothing else. */
  rendererDir: string;
  /** Absolute path of the renderer's entry page. */
  rendererIndex: string;
  /** The app: URL the renderer is loaded from (app://mua/index.html); the only page trusted to call main. */
  rendererUrl: string;
};

export function builtPaths(mainBundleUrl: string): BuiltPaths {
  const preload = fileURLToPath(new URL('../preload/preload.cjs', mainBundleUrl));
  const rendererDir = fileURLToPath(new URL('../renderer/', mainBundleUrl)).replace(/[\\/]$/, '');
  const rendererIndex = fileURLToPath(new URL('../renderer/index.html', mainBundleUrl));
  return { preload, rendererDir, rendererIndex, rendererUrl: RENDERER_URL };
}

/**
 * True when `url` is our renderer page. The fragment is ignored (the renderer may route with it);
 * the query and everything else must match exactly, so no other local file, no http page and no
 * about:srcdoc mail frame passes.
 */
export function isRendererUrl(url: string, rendererUrl: string): boolean {
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  actual.hash = '';
  expected.hash = '';
  return actual.href === expected.href;
}
