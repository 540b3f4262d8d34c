import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Reads electron-builder.yml with electron-builder's own loader (the same YAML parser and lookup
 * it uses when packaging) and validates it against electron-builder's own schema, so a typo in an
 * option name fails here and not on the first release build, which needs the network.
 * app-builder-lib is electron-builder's engine; it is resolved from electron-builder's folder.
 */
const root = resolve(import.meta.dirname, '../../..');
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const load = fromBuilder('app-builder-lib/out/util/config/load.js') as {
  findAndReadConfig(request: object): Promise<{ result: Record<string, unknown>; configFile: string | null } | null>;
};
const config = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>;
};
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let raw: Record<string, any>;

beforeAll(async () => {
  const found = await load.findAndReadConfig({
    packageKey: 'build',
    configFilename: 'electron-builder',
    projectDir: root,
    packageMetadata: { value: Promise.resolve(null) },
  });
  expect(found?.configFile).toBe(resolve(root, 'electron-builder.yml'));
  raw = found!.result;
});

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema', async () => {
    const merged = await config.getConfig(root, null, null);
    await expect(config.validateConfiguration(merged, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(raw.appId).toBe('app.mua.mail');
    expect(raw.productName).toBe('Mua Mail');
    expect(raw.directories).toEqual({ output: 'dist' });
  });

  it('packs only the build output and package.json', () => {
    expect(raw.files).toEqual(['out/**', 'package.json']);
  });

  it('unpacks the native modules from the asar', () => {
    expect(raw.asarUnpack).toEqual(['**/node_modules/keytar/**', '**/node_modules/better-sqlite3/**']);
  });

  it('flips the fuses that close Node and inspector entry points and lock the asar', () => {
    expect(raw.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('targets AppImage and deb on Linux, a hardened dmg on macOS, nsis on Windows', () => {
    expect(raw.linux.target).toEqual(['AppImage', 'deb']);
    expect(raw.linux.category).toBe('Network;Email');
    expect(raw.mac.target).toEqual(['dmg']);
    expect(raw.mac.hardenedRuntime).toBe(true);
    expect(raw.win.target).toEqual(['nsis']);
  });

  it('registers the app for mailto: links', () => {
    expect(raw.protocols).toEqual([{ name: 'Email', schemes: ['mailto'] }]);
  });
});
