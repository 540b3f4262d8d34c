import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Every module the renderer's entry reaches by static value imports: what the window must read
 * before it can draw anything. `import type`, imports of types only, and `import()` (a chunk of
 * its own, fetched later) do not count. Packages are named as imported ('zod/mini', 'react').
 */
function startUpModules(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      if (!statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      if (!carriesValues(statement)) continue;
      const specifier = statement.moduleSpecifier.text;
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const base = join(dirname(file), specifier).replace(/\.js$/, '');
      const found = ['.ts', '.tsx'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
      if (!found) throw new Error(`${relative(ROOT, file)}: cannot find ${specifier}`);
      visit(found);
    }
  };
  visit(join(ROOT, entry));
  return { files: new Set([...files].map((f) => relative(ROOT, f))), packages };
}

function carriesValues(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) {
    if (statement.isTypeOnly) return false;
    const clause = statement.exportClause;
    return !clause || !ts.isNamedExports(clause) || clause.elements.some((e) => !e.isTypeOnly);
  }
  const clause = statement.importClause;
  if (!clause) return true; // import 'x': run for its effects
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const bindings = clause.namedBindings;
  if (!bindings) return false;
  if (ts.isNamespaceImport(bindings)) return true;
  return bindings.elements.some((e) => !e.isTypeOnly);
}

describe('the renderer’s start-up chunk', () => {
  const { files, packages } = startUpModules('renderer/main.tsx');

  it('holds what draws the mailbox’s list', () => {
    expect(files).toContain('renderer/features/mailbox/MessageList.tsx');
    expect(files).toContain('renderer/transport/bridge-client.ts');
    expect(packages).toContain('react-dom/client');
  });

  it('leaves out the sanitizer and CSS reader of the reader, the editor, and zod’s full build', () => {
    const heavy = [...packages].filter((p) => p === 'dompurify' || p === 'zod' || p.startsWith('@tiptap/') || p.startsWith('@csstools/'));
    expect(heavy).toEqual([]);
  });

  it('leaves out the views the first screen does not show, and the contract’s schemas', () => {
    const deferred = [
      'renderer/features/reader/Reader.tsx',
      'renderer/features/reader/sanitize-html.ts',
      'renderer/features/compose/Compose.tsx',
      'renderer/features/compose/answer-drafts.ts',
      'renderer/features/accounts/SetupWizard.tsx',
      'renderer/features/accounts/AccountSettings.tsx',
      'renderer/features/outbox/OutboxView.tsx',
      'shared/contract.ts',
      'shared/schemas.ts',
    ];
    expect(deferred.filter((file) => files.has(file))).toEqual([]);
  });
});
