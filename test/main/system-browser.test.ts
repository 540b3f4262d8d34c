import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserCommand, openInSystemBrowser } from '../../main/system-browser.js';
import { waitFor } from '../support/wait-for.js';

const URL_WITH_SHELL_CHARACTERS = 'https://login.example.test/authorize?a=1&b=$(touch /tmp/x);c=`id`';

describe('opening the system browser from plain Node (npm run web)', () => {
  it('uses $BROWSER where set (the first of a colon list, %s for the address), else the system’s opener', () => {
    const url = 'https://login.example.test/authorize?x=1';
    expect(browserCommand(url, { BROWSER: 'firefox' }, 'linux')).toEqual(['firefox', url]);
    expect(browserCommand(url, { BROWSER: 'firefox --new-window %s:chromium' }, 'linux')).toEqual(['firefox', '--new-window', url]);
    expect(browserCommand(url, {}, 'linux')).toEqual(['xdg-open', url]);
    expect(browserCommand(url, { BROWSER: ' ' }, 'darwin')).toEqual(['open', url]);
    expect(browserCommand(url, {}, 'win32')).toEqual(['explorer', url]);
  });

  it('hands the address over as one argument, never through a shell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mua-browser-'));
    const script = join(dir, 'browser.sh');
    const seen = join(dir, 'seen');
    writeFileSync(script, `#!/bin/sh\nprintf '%s|%s' "$#" "$1" > '${seen}'\n`, { mode: 0o755 });
    await openInSystemBrowser(URL_WITH_SHELL_CHARACTERS, { BROWSER: script });
    const written = await waitFor(async () => (existsSync(seen) ? readFileSync(seen, 'utf8') || undefined : undefined), 'the browser script', 5_000);
    expect(written).toBe(`1|${URL_WITH_SHELL_CHARACTERS}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so when the program cannot be started', async () => {
    await expect(openInSystemBrowser('https://example.test/', { BROWSER: '/nonexistent/browser' })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
