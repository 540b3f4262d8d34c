import type { IpcMainInvokeEvent } from 'electron';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL, type Reply } from '../../../shared/contract.js';
import { EventBus } from '../../../main/contract/event-bus.js';
import type { ServiceOptions } from '../../../main/service.js';
import { fakeApp, fakeDialog, fakeIpcMain, fakeMenu, FakeBrowserWindow, FakeNotification, fakePaths, fakeProtocol, fakeShell } from './fake-electron.js';

/**
 * Loads the real main/electron/main.ts with the stand-in 'electron' module and a stand-in mail
 * service, and checks the wiring end to end: scheme before ready, the single-instance lock and
 * its mailto: handoff, the app:// handler, the window, the IPC sender check, links.open, the
 * notifications, the badge and the menu.
 */
vi.mock('electron', async () => (await import('./fake-electron.js')).fakeElectron);
vi.mock('electron-store', () => ({ default: class {} }));
vi.mock('../../../main/accounts/open-secret-store.js', () => ({ openSecretStore: async () => ({ store: { kind: 'memory' } }) }));

const service = vi.hoisted(() => ({ options: undefined as ServiceOptions | undefined, dispatch: vi.fn(), bus: undefined as unknown }));
vi.mock('../../../main/service.js', async () => {
  const { EventBus: Bus } = await import('../../../main/contract/event-bus.js');
  return {
    createMailService: (options: ServiceOptions) => {
      service.options = options;
      const bus = new Bus();
      service.bus = bus;
      return {
        bus,
        dispatch: service.dispatch,
        handlers: { 'accounts.list': async () => [{ id: 'account-0001', email: 'me@example.org' }] },
        prepareFirstScreen: async () => ({}),
        store: {
          folderByPath: (_id: string, path: string) => (path === 'INBOX' ? { id: 1, unread: 4, oldestUid: 99 } : undefined),
          counts: () => ({ total: 0, unread: 0 }),
        },
        secretsKind: 'memory',
        // One message whose part 0 is an inline image (app://mua/mail-part/ reads it from here).
        parts: {
          refOf: (key: string) => (key === 'a7'.repeat(32) ? { accountId: 'account-0001', folder: 'INBOX', uid: 1 } : undefined),
          open: async () => {
            const { Readable } = await import('node:stream');
            return { info: { part: 0, filename: 'logo.png', contentType: 'image/png' }, content: Readable.from([Buffer.from('png bytes')]), close: () => {} };
          },
        },
        start: vi.fn(),
        stop: vi.fn(async () => {}),
      };
    },
  };
});

process.env.MUA_LOG = 'silent';
const userData = mkdtempSync(join(tmpdir(), 'mua-main-'));
let window: FakeBrowserWindow;
const argv = process.argv;

beforeAll(async () => {
  fakePaths.userData = userData;
  // Started by a mailto: link (Windows and Linux pass it as an argument).
  process.argv = [...argv, 'mailto:first@example.org?subject=From%20the%20start'];
  await import('../../../main/electron/main.js');
  process.argv = argv;
  expect(fakeApp.calls).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock']);
  fakeApp.ready();
  await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1));
  window = FakeBrowserWindow.created[0]!;
});

afterAll(() => rmSync(userData, { recursive: true, force: true }));

const bus = () => service.bus as EventBus;

describe('main/electron/main.ts', () => {
  it('registers app:// as privileged before ready, then serves it with protocol.handle', () => {
    expect(fakeApp.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(fakeApp.calls.indexOf('ready'));
    expect(fakeProtocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
  });

  it('serves the renderer from app:// with the CSP header and refuses traversal', async () => {
    const handler = fakeProtocol.handlers.get('app')!;
    const outside = await handler(new Request('app://mua/..%2f..%2fpackage.json'));
    expect(outside.status).toBe(404);
    const missing = await handler(new Request('app://mua/no-such-file.js'));
    expect(missing.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('loads the window on app://mua/index.html with the hardened options', () => {
    expect(window.loadURL).toHaveBeenCalledWith('app://mua/index.html');
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
    expect(window.webContents.windowOpenHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
  });

  it('guards every WebContents the app creates', () => {
    const contents = new (window.webContents.constructor as new () => typeof window.webContents)();
    fakeApp.emit('web-contents-created', {}, contents);
    const event = { url: 'https://evil.example/', preventDefault: vi.fn() };
    contents.emit('will-navigate', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('sets the native menu', () => {
    expect(fakeMenu.setApplicationMenu).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(fakeMenu.buildFromTemplate.mock.calls[0]![0])).toContain('Keyboard Shortcuts');
  });

  describe('IPC', () => {
    type Handler = (event: IpcMainInvokeEvent, channel: unknown, input: unknown) => Promise<Reply<unknown>>;
    const call = (frame: object, senderId: number) =>
      (fakeIpcMain.handlers.get(ELECTRON_INVOKE_CHANNEL) as Handler)({ sender: { id: senderId }, senderFrame: frame } as never, 'accounts.list', {});

    it('answers our own top frame on app://mua/index.html only', async () => {
      service.dispatch.mockResolvedValue({ ok: true, value: [] });
      const top = window.webContents.mainFrame;
      top.url = 'app://mua/index.html';
      expect(await call(top, window.webContents.id)).toEqual({ ok: true, value: [] });
      expect(service.dispatch).toHaveBeenCalledWith('accounts.list', {});
      service.dispatch.mockClear();
      for (const [frame, id] of [
        [{ ...top, url: 'file:///opt/mua/out/renderer/index.html' }, window.webContents.id],
        [{ ...top, url: 'app://mua/index.html', parent: top, routingId: 2 }, window.webContents.id],
        [top, window.webContents.id + 100],
      ] as const) {
        expect(await call(frame, id)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      }
      expect(service.dispatch).not.toHaveBeenCalled();
    });
  });

  describe('mailto: handoff', () => {
    it('keeps the link the app was started with until the renderer asks for it', () => {
      expect(service.options!.takeComposeRequests!()).toEqual([
        { to: ['first@example.org'], cc: [], bcc: [], subject: 'From the start', body: '' },
      ]);
      expect(service.options!.takeComposeRequests!()).toEqual([]);
    });

    it('takes a second instance’s link, focuses the window and sends compose.requested', () => {
      window.webContents.send.mockClear();
      fakeApp.emit('second-instance', {}, ['/opt/mua/mua-mail', 'mailto:b@example.org?cc=c@example.org&subject=Hi%0D%0ABcc:%20x@evil.example'], '/');
      expect(window.focus).toHaveBeenCalled();
      expect(window.webContents.send).toHaveBeenCalledWith(ELECTRON_EVENT_CHANNEL, {
        event: 'compose.requested',
        payload: { to: ['b@example.org'], cc: ['c@example.org'], bcc: [], subject: 'Hi Bcc: x@evil.example', body: '' },
      });
    });

    it('takes macOS open-url links, and ignores other schemes', () => {
      window.webContents.send.mockClear();
      const event = { preventDefault: vi.fn() };
      fakeApp.emit('open-url', event, 'mailto:d@example.org');
      fakeApp.emit('open-url', { preventDefault: vi.fn() }, 'https://example.org/');
      expect(event.preventDefault).toHaveBeenCalled();
      expect(window.webContents.send).toHaveBeenCalledTimes(1);
      expect(window.webContents.send.mock.calls[0]![1]).toMatchObject({ event: 'compose.requested', payload: { to: ['d@example.org'] } });
    });

    it('queues links again while the page reloads', () => {
      window.webContents.send.mockClear();
      window.webContents.emit('did-navigate');
      fakeApp.emit('second-instance', {}, ['x', 'mailto:e@example.org'], '/');
      expect(window.webContents.send).not.toHaveBeenCalled();
      expect(service.options!.takeComposeRequests!()).toMatchObject([{ to: ['e@example.org'] }]);
    });
  });

  it('opens links with shell.openExternal after checking them again', async () => {
    await service.options!.openExternal!('https://example.org/a b');
    expect(fakeShell.openExternal).toHaveBeenCalledWith('https://example.org/a%20b');
    await expect(service.options!.openExternal!('file:///etc/passwd')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(service.options!.openExternal!('https://bank.example@evil.example/')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fakeShell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('tells the page it is in the Electron shell (app.status), so that only this shell notifies of new mail', () => {
    expect(service.options?.shell).toBe('electron');
  });

  it('shows a notification for new mail while the window is in the background, and focuses on click', () => {
    window.focused = true;
    bus().emit('mail.arrived', { accountId: 'account-0001', folder: 'INBOX', count: 2 });
    expect(FakeNotification.shown).toHaveLength(0);
    window.focused = false;
    bus().emit('mail.arrived', { accountId: 'account-0001', folder: 'INBOX', count: 2 });
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.shown[0]!.options).toEqual({ title: 'New mail', body: '2 new messages for me@example.org' });
    window.focus.mockClear();
    FakeNotification.shown[0]!.emit('click');
    expect(window.focus).toHaveBeenCalled();
  });

  it('puts the Inbox unread count on the badge', async () => {
    await vi.waitFor(() => expect(fakeApp.setBadgeCount).toHaveBeenCalledWith(4), { timeout: 2000 });
  });

  it('remembers the window’s size and place when it closes', async () => {
    window.emit('close');
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8'))).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
  });

  it('lends the mail service the save dialog (modal to the window) and the system opener for attachments', async () => {
    const shell = service.options!.attachmentShell!;
    fakeDialog.nextAnswer = { canceled: false, filePath: '/home/me/report.pdf' };
    expect(await shell.chooseSavePath('report.pdf')).toBe('/home/me/report.pdf');
    expect(fakeDialog.showSaveDialog.mock.calls.at(-1)![0]).toBe(window);
    await shell.openPath('/tmp/mua-attachments-x/open-y/report.pdf');
    expect(fakeShell.openPath).toHaveBeenCalledWith('/tmp/mua-attachments-x/open-y/report.pdf');
  });

  it('serves the inline images of open messages on app:// from the mail service', async () => {
    const handler = fakeProtocol.handlers.get('app')!;
    const image = await handler(new Request(`app://mua/mail-part/${'a7'.repeat(32)}/0`));
    expect(image.status).toBe(200);
    expect(await image.text()).toBe('png bytes');
    expect((await handler(new Request(`app://mua/mail-part/${'b8'.repeat(32)}/0`))).status).toBe(404);
  });

  it('installed crash logging', () => {
    expect(process.listeners('unhandledRejection').length).toBeGreaterThan(0);
    expect(process.listeners('uncaughtException').length).toBeGreaterThan(0);
  });
});
