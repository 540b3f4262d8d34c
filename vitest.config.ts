import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/bench/**', 'node_modules/**'],
    environment: 'node',
    pool: 'forks',
    // Real servers answer in milliseconds, but a cold TLS handshake on a busy 2-core machine can not.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: ['test/testbed/global-setup.ts'],
    setupFiles: ['test/support/dom-wait-budget.ts', 'test/support/deferred-parts-loaded.ts'],
    env: { MUA_LOG: 'silent' },
  },
});
