import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

/**
 * One build for the three environments. main has three entries: the Electron shell, the
 * plain-Node web server (`npm run web`), which share every service, and the store writer's
 * worker thread. The preload is CommonJS
 * because a sandboxed preload cannot be an ES module.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve('main/electron/main.ts'),
          web: resolve('main/web.ts'),
          // The store writer's thread (main/store/store-writer.ts) loads this file by name.
          'store-writer': resolve('main/store/store-writer-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve('main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves every bundle unminified; the renderer's is parsed at each start of
      // the window, and minified it is about a third of the size.
      minify: true,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
