import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { describeError, installCrashLogging } from '../../../main/electron/crash-log.js';
import { externalUrl } from '../../../main/electron/links.js';
import { applicationMenuTemplate, KEYBOARD_SHORTCUTS } from '../../../main/electron/menu.js';
import { newMailNotification } from '../../../shared/new-mail-notification.js';
import { inboxUnread, totalUnread, UnreadBadge, type UnreadSource } from '../../../main/electron/unread-badge.js';
import { fitToDisplays, loadWindowState, parseWindowState, saveWindowState } from '../../../main/electron/window-state.js';

process.env.MUA_LOG = 'silent';
const dir = mkdtempSync(join(tmpdir(), 'mua-desktop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('window state', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 };
  const right = { x: 1920, y: 0, width: 1280, height: 1024 };

  it('keeps a place that is on a screen', () => {
    expect(fitToDisplays({ x: 100, y: 50, width: 1000, height: 700, maximized: false }, [screen])).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: false });
    expect(fitToDisplays({ x: 2000, y: 10, width: 800, height: 600, maximized: true }, [screen, right])).toEqual({ x: 2000, y: 10, width: 800, height: 600, maximized: true });
  });

  it('brings back a window whose screen was unplugged, centred on the primary one', () => {
    expect(fitToDisplays({ x: 2000, y: 10, width: 800, height: 600, maximized: false }, [screen])).toEqual({ x: 560, y: 240, width: 800, height: 600, maximized: false });
    expect(fitToDisplays({ x: -5000, y: -5000, width: 800, height: 600, maximized: false }, [screen])).toMatchObject({ x: 560, y: 240 });
  });

  it('pulls a half-visible window inside its screen and shrinks one larger than it', () => {
    expect(fitToDisplays({ x: 1800, y: 1000, width: 800, height: 600, maximized: false }, [screen])).toEqual({ x: 1120, y: 480, width: 800, height: 600, maximized: false });
    expect(fitToDisplays({ x: 0, y: 0, width: 5000, height: 3000, maximized: false }, [screen])).toEqual({ x: 0, y: 0, width: 1920, height: 1080, maximized: false });
    expect(fitToDisplays({ x: 0, y: 0, width: 200, height: 150, maximized: false }, [screen])).toMatchObject({ width: 640, height: 420 });
    expect(fitToDisplays({ x: 0, y: 0, width: 800, height: 600, maximized: false }, [])).toBeUndefined();
  });

  it.each(['', 'not json', '[]', '{"x":1}', '{"x":"1","y":0,"width":800,"height":600}', '{"x":0,"y":0,"width":1e9,"height":600}', '{"x":0.5,"y":0,"width":800,"height":600}', '{"x":0,"y":0,"width":800,"height":600,"evil":true}'])(
    'ignores a malformed state file: %s',
    (text) => {
      expect(parseWindowState(text)).toBeUndefined();
    },
  );

  it('saves and loads through a file readable by the user only', () => {
    const file = join(dir, 'window-state.json');
    expect(loadWindowState(file, [screen])).toBeUndefined();
    saveWindowState(file, { x: 10, y: 20, width: 900, height: 650, maximized: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 10, y: 20, width: 900, height: 650, maximized: true });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadWindowState(file, [screen])).toEqual({ x: 10, y: 20, width: 900, height: 650, maximized: true });
    writeFileSync(file, '{"x": 1');
    expect(loadWindowState(file, [screen])).toBeUndefined();
  });
});

describe('links.open, the shell’s check', () => {
  it.each(['https://example.org/a?b#c', 'http://example.org/', 'mailto:a@example.org?subject=x'])('lets %s through, normalised', (url) => {
    expect(externalUrl(url)).toBe(new URL(url).href);
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'app://mua/index.html', 'https://user:pw@evil.example/', 'https://bank.example@evil.example/', 'not a url', ''])(
    'refuses %s',
    (url) => {
      expect(() => externalUrl(url)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    },
  );
});

describe('unread badge', () => {
  const folders: Record<string, { id: number; unread: number | null; oldestUid: number | null }> = {
    a: { id: 1, unread: 7, oldestUid: 1 },
    b: { id: 2, unread: 40, oldestUid: 500 },
    c: { id: 3, unread: null, oldestUid: 9 },
  };
  const store: UnreadSource = {
    folderByPath: (accountId, path) => (path === 'INBOX' ? folders[accountId] : undefined),
    counts: (id) => ({ total: 10, unread: id === 1 ? 3 : 99 }),
  };

  it('counts every account’s Inbox the way the folder list does', () => {
    expect(inboxUnread(store, 'a')).toBe(3); // all stored: counted locally
    expect(inboxUnread(store, 'b')).toBe(40); // not all stored yet: the server's figure
    expect(inboxUnread(store, 'c')).toBe(0);
    expect(inboxUnread(store, 'none')).toBe(0);
    expect(totalUnread(store, ['a', 'b', 'c', 'none'])).toBe(43);
  });

  it('recounts once after a burst of relevant events, and sets the badge only on a change', () => {
    vi.useFakeTimers();
    try {
      let count = 5;
      const setBadge = vi.fn();
      const badge = new UnreadBadge(() => count, setBadge, 100);
      badge.onEvent('sync.progressed');
      vi.advanceTimersByTime(200);
      expect(setBadge).not.toHaveBeenCalled();
      badge.onEvent('mail.arrived');
      badge.onEvent('messages.changed');
      badge.onEvent('folders.changed');
      vi.advanceTimersByTime(200);
      expect(setBadge).toHaveBeenCalledTimes(1);
      expect(setBadge).toHaveBeenCalledWith(5);
      badge.onEvent('messages.changed');
      vi.advanceTimersByTime(200);
      expect(setBadge).toHaveBeenCalledTimes(1);
      count = 0;
      badge.onEvent('accounts.changed');
      vi.advanceTimersByTime(200);
      expect(setBadge).toHaveBeenLastCalledWith(0);
      const throwing = new UnreadBadge(() => {
        throw new Error('database closed');
      }, setBadge, 1);
      expect(() => throwing.update()).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('new mail notification', () => {
  it('says how many and for which account, never who or what', () => {
    expect(newMailNotification({ accountId: 'a', folder: 'INBOX', count: 1 }, 'me@example.org')).toEqual({ title: 'New mail', body: '1 new message for me@example.org' });
    expect(newMailNotification({ accountId: 'a', folder: 'Lists/rust', count: 1200 }, undefined)).toEqual({ title: 'New mail', body: '1,200 new messages in Lists/rust' });
    expect(newMailNotification({ accountId: 'a', folder: 'INBOX', count: 0 }, 'me@example.org')).toBeUndefined();
    expect(newMailNotification({ accountId: 'a', folder: 'A\r\nB', count: 2 }, 'x@y.org')?.body).not.toMatch(/[\r\n]/);
  });
});

describe('application menu', () => {
  const labels = (items: unknown): string[] =>
    (items as Array<{ label?: string; submenu?: unknown; role?: string }>).flatMap((i) => [i.label ?? i.role ?? '', ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);

  it('lists every keyboard shortcut, without registering single keys as accelerators', () => {
    const template = applicationMenuTemplate({ platform: 'linux', isPackaged: true });
    expect(KEYBOARD_SHORTCUTS.map((s) => s.key)).toEqual(['C', 'R', 'A', 'F', 'J', 'K', 'Delete', 'U', 'S', '/', 'Escape']);
    const all = labels(template);
    for (const { key, action } of KEYBOARD_SHORTCUTS) expect(all).toContain(`${key}    ${action}`);
    expect(JSON.stringify(template)).not.toContain('accelerator');
  });

  it('has the edit menu (copy and paste on macOS) and the app menu on macOS only', () => {
    expect(labels(applicationMenuTemplate({ platform: 'darwin', isPackaged: true }))).toEqual(expect.arrayContaining(['appMenu', 'editMenu', 'windowMenu', 'help']));
    expect(labels(applicationMenuTemplate({ platform: 'win32', isPackaged: true }))).not.toContain('appMenu');
  });

  it('offers the developer tools only in a development build', () => {
    expect(labels(applicationMenuTemplate({ platform: 'linux', isPackaged: true }))).not.toContain('toggleDevTools');
    expect(labels(applicationMenuTemplate({ platform: 'linux', isPackaged: false }))).toContain('toggleDevTools');
  });
});

describe('crash logging', () => {
  it('describes an error by its type, code and frames, never its message', () => {
    const error = Object.assign(new Error('Invalid login for alice@example.org with password hunter2'), { code: 'EAUTH' });
    const described = describeError(error);
    expect(described).toMatchObject({ type: 'Error', code: 'EAUTH' });
    expect(described.frames).toMatch(/crash|desktop-integration/);
    expect(JSON.stringify(described)).not.toMatch(/hunter2|alice/);
    expect(describeError('a string with a token')).toEqual({ type: 'string' });
    expect(describeError(null)).toEqual({ type: 'null' });
  });

  it('logs uncaught exceptions and unhandled rejections without their messages', () => {
    const listeners = new Map<string, (value: unknown) => void>();
    installCrashLogging({ on: ((event: string, listener: (value: unknown) => void) => listeners.set(event, listener)) as never });
    expect([...listeners.keys()].sort()).toEqual(['uncaughtException', 'unhandledRejection']);
    const previous = process.env.MUA_LOG;
    delete process.env.MUA_LOG;
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      listeners.get('uncaughtException')!(new TypeError('secret password hunter2'));
      listeners.get('unhandledRejection')!(new Error('token=abc123'));
      const logged = write.mock.calls.map((c) => String(c[0])).join('');
      expect(logged).toContain('uncaught exception');
      expect(logged).toContain('unhandled promise rejection');
      expect(logged).toContain('TypeError');
      expect(logged).not.toMatch(/hunter2|abc123/);
    } finally {
      write.mockRestore();
      process.env.MUA_LOG = previous;
    }
  });
});
