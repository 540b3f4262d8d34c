import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

type Options = {
  electronDir: string;
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  exists?: (file: string) => boolean;
  read?: (file: string) => string;
};
type StartModule = {
  electronUnavailableReason(options: Options): string | null;
  electronBinaryPath(options: Options): string | null;
};

// A plain .mjs script: loaded by path so the type-checker does not need declarations for it.
const scriptPath = '../../scripts/start.mjs';
const start = (await import(/* @vite-ignore */ scriptPath)) as StartModule;

const dir = '/app/node_modules/electron';

function files(present: Record<string, string>) {
  return {
    exists: vi.fn((file: string) => Object.hasOwn(present, file)),
    read: vi.fn((file: string) => {
      if (!Object.hasOwn(present, file)) throw new Error(`ENOENT ${file}`);
      return present[file]!;
    }),
  };
}

describe('electronUnavailableReason', () => {
  it('says the binary is missing when path.txt was never written (no download happened)', () => {
    const fs = files({});
    expect(start.electronUnavailableReason({ electronDir: dir, platform: 'linux', env: { DISPLAY: ':0' }, ...fs })).toBe(
      'its binary is not installed',
    );
  });

  it('says the binary is missing when path.txt names a file that is not in dist/', () => {
    const fs = files({ [join(dir, 'path.txt')]: 'electron' });
    expect(start.electronUnavailableReason({ electronDir: dir, platform: 'linux', env: { DISPLAY: ':0' }, ...fs })).toBe(
      'its binary is not installed',
    );
  });

  it('says there is no display on Linux without DISPLAY or WAYLAND_DISPLAY', () => {
    const fs = files({ [join(dir, 'path.txt')]: 'electron', [join(dir, 'dist', 'electron')]: '' });
    expect(start.electronUnavailableReason({ electronDir: dir, platform: 'linux', env: {}, ...fs })).toMatch(/no display/);
    expect(start.electronUnavailableReason({ electronDir: dir, platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, ...fs })).toBeNull();
    expect(start.electronUnavailableReason({ electronDir: dir, platform: 'darwin', env: {}, ...fs })).toBeNull();
  });

  it('runs the binary electron would run, including ELECTRON_OVERRIDE_DIST_PATH', () => {
    const fs = files({ [join(dir, 'path.txt')]: 'electron\n' });
    expect(start.electronBinaryPath({ electronDir: dir, env: {}, ...fs })).toBe(join(dir, 'dist', 'electron'));
    expect(start.electronBinaryPath({ electronDir: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/e' }, ...fs })).toBe(
      join('/opt/e', 'electron'),
    );
  });
});
