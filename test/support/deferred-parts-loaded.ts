/**
 * The views kept out of the renderer's start-up chunk (renderer/deferred/deferred-parts.ts)
 * are loaded before each renderer test file, as the app preloads them once its first screen is
 * drawn: the tests then meet them as a person does after start. How a view behaves while its chunk
 * is still coming, or when it fails to, is specified in test/renderer/deferred-parts.test.tsx; the
 * real chunks are fetched in Chromium by the browser journeys.
 */
if (typeof document !== 'undefined') {
  const { preloadDeferredParts } = await import('../../renderer/deferred/deferred-parts.js');
  await preloadDeferredParts();
}

export {};
