import tseslint from 'typescript-eslint';

/**
 * The architecture as a lint rule: three environments, one contract.
 *   renderer/  browser code; imports shared/, never main/ or Node.
 *   shared/    plain TypeScript; no Node, no Electron, no React.
 *   main/      Node services; only main/electron/ may import 'electron'.
 */
const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'tls', 'http', 'https', 'crypto', 'stream', 'url', 'util', 'worker_threads'];

const noElectron = { group: ['electron', 'electron/*'], message: 'Only main/electron/ may import electron.' };
const noNode = { group: NODE_BUILTINS, message: 'This environment has no Node built-ins.' };
const noMain = { group: ['**/main/*', '**/main/**', '../main', '../../main'], message: 'The renderer reaches main only through the contract in shared/.' };
const noRenderer = { group: ['**/renderer/*', '**/renderer/**'], message: 'Only the renderer imports the renderer.' };
const noReact = { group: ['react', 'react/*', 'react-dom', 'react-dom/*'], message: 'shared/ is plain TypeScript.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test/artifacts/**', '.scratch/**'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      // The typed variant lets `import type` through: the renderer takes the contract's types,
      // never its schemas, whose building at start cost the first list ~100 ms (zod builds each).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            noMain,
            noNode,
            noElectron,
            {
              group: ['**/shared/contract.js', '**/shared/schemas.js', '**/shared/compose.js', '**/shared/drafts.js', '**/shared/outbox.js'],
              allowTypeImports: true,
              message: 'The renderer imports only types from the contract’s schemas; a value it needs lives in a module of its own (shared/reply.ts, openable-url.ts, ...).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noReact, noMain, noRenderer] }] },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noRenderer, noReact] }] },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noRenderer, noReact] }] },
  },
);
