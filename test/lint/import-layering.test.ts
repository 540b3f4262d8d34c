import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  // The renderer's rule is typescript-eslint's variant (it can let `import type` through).
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('the import-layering rule', () => {
  it('keeps main/ and Node out of the renderer', async () => {
    expect(await violations('renderer/x.ts', "import { smtpTransportOptions } from '../main/smtp/transport-options.js';")).toHaveLength(1);
    expect(await violations('renderer/features/x.ts', "import { readFile } from 'node:fs';")).toHaveLength(1);
    expect(await violations('renderer/x.ts', "import { ipcRenderer } from 'electron';")).toHaveLength(1);
    expect(await violations('renderer/x.ts', "import { BRIDGE_PATH } from '../shared/bridge-protocol.js';")).toEqual([]);
  });

  it('lets the renderer take only types from the contract’s schemas, not the schemas (building them slowed its start)', async () => {
    expect(await violations('renderer/x.ts', "import { requests } from '../shared/contract.js';")).toHaveLength(1);
    expect(await violations('renderer/features/x.ts', "import { identitiesOf } from '../../shared/schemas.js';")).toHaveLength(1);
    expect(await violations('renderer/x.ts', "import type { ContractClient } from '../shared/contract.js';")).toEqual([]);
    expect(await violations('renderer/x.ts', "import { replySchema } from '../shared/reply.js';")).toEqual([]);
  });

  it('keeps shared/ free of Node, Electron and React', async () => {
    expect(await violations('shared/x.ts', "import { join } from 'node:path';")).toHaveLength(1);
    expect(await violations('shared/x.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(await violations('shared/x.ts', "import { useState } from 'react';")).toHaveLength(1);
    expect(await violations('shared/x.ts', "import { z } from 'zod';")).toEqual([]);
  });

  it('lets only main/electron/ import electron', async () => {
    expect(await violations('main/smtp/x.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(await violations('main/electron/x.ts', "import { app } from 'electron';")).toEqual([]);
  });

  it('passes over the whole tree as it stands', async () => {
    const results = await eslint.lintFiles(['main', 'renderer', 'shared']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}: ${m.message}`));
    expect(errors).toEqual([]);
  });
});
