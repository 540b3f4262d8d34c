import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/**
 * A stand-in for the parts of 'electron' that main/electron/ touches, for tests that load those
 * modules in plain Node (the Electron binary is not available here). Each fake records what it
 * was given, so a test can call the real handlers our code installed.
 */

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = { url: '', parent: null, processId: 7, routingId: 1, detached: false };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly send = vi.fn();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadFile = vi.fn(async (_path: string) => undefined);
  readonly show = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  isDestroyed(): boolean {
    return false;
  }
}

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
) => void;
type RequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string; isMainFrame: boolean },
) => void;
type CheckHandler = (webContents: unknown, permission: string, origin: string, details: { requestingUrl?: string }) => boolean;

export const fakeSession = {
  headersListener: undefined as HeadersListener | undefined,
  requestHandler: undefined as RequestHandler | undefined,
  checkHandler: undefined as CheckHandler | undefined,
  webRequest: {
    onHeadersReceived(listener: HeadersListener) {
      fakeSession.headersListener = listener;
    },
  },
  setPermissionRequestHandler(handler: RequestHandler) {
    fakeSession.requestHandler = handler;
  },
  setPermissionCheckHandler(handler: CheckHandler) {
    fakeSession.checkHandler = handler;
  },
};

export class FakeIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'from main' }));
}

export const fakeIpcRenderer = new FakeIpcRenderer();
export const fakeContextBridge = { exposeInMainWorld: vi.fn() };

/** The module object handed to vi.mock('electron'). */
export const fakeElectron = {
  BrowserWindow: FakeBrowserWindow,
  session: { defaultSession: fakeSession },
  contextBridge: fakeContextBridge,
  ipcRenderer: fakeIpcRenderer,
};
