import { readFileSync } from 'node:fs';
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
    expect(raw.directories).toEqual({ output: 'dist', buildResources: 'build' });
  });

  it('packs only what runs: the built bundles (not web mode, no source maps) and package.json', () => {
    expect(raw.files).toEqual(['out/**', '!out/main/web.js', '!out/**/*.map', 'package.json']);
  });

  it('rebuilds the native modules for Electron while packaging', () => {
    expect(raw.npmRebuild).toBe(true);
  });

  it('has an icon set: 512 and 256 pixel PNGs that exist', () => {
    expect(raw.mac.icon).toBe('build/icon.png');
    expect(raw.win.icon).toBe('build/icon.png');
    expect(raw.linux.icon).toBe('build/icons');
    for (const [file, size] of [
      ['build/icon.png', 512],
      ['build/icons/512x512.png', 512],
      ['build/icons/256x256.png', 256],
    ] as const) {
      const png = readFileSync(resolve(root, file));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('signs the macOS app with the hardened runtime and only the entitlements it needs', () => {
    expect(raw.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(raw.mac.entitlementsInherit).toBe('build/entitlements.mac.plist');
    const plist = readFileSync(resolve(root, raw.mac.entitlements), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]);
    expect(keys.sort()).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.network.client']);
    expect(plist).not.toMatch(/disable-library-validation|allow-unsigned-executable-memory|allow-dyld-environment-variables/);
  });

  it('registers for mailto: on Windows through the NSIS include', () => {
    expect(raw.nsis.include).toBe('build/installer.nsh');
    const nsh = readFileSync(resolve(root, raw.nsis.include), 'utf8');
    expect(nsh).toContain('!macro customInstall');
    expect(nsh).toContain('!macro customUnInstall');
    expect(nsh).toContain('URLAssociations" "mailto"');
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
      // The renderer is on app://, so file: pages need none of their old extra privileges.
      grantFileProtocolExtraPrivileges: false,
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
    expect(raw.linux.mimeTypes).toEqual(['x-scheme-handler/mailto']);
  });

  it('is packaged by `npm run dist`', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.dist).toMatch(/^electron-vite build && electron-builder\b/);
  });
});
