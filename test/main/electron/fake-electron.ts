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
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  readonly loadFile = vi.fn(async (_path: string) => undefined);
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  readonly maximize = vi.fn();
  destroyed = false;
  focused = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isMinimized(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return false;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1000, height: 700 };
  }
}

type HeadersListener = (
  details: { url?: string; responseHeaders?: Record<string, string[]> },
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

/** app: records its listeners; whenReady resolves when the test calls `ready()`. */
export class FakeApp extends EventEmitter {
  isPackaged = false;
  readyNow = false;
  hasLock = true;
  readonly calls: string[] = [];
  private resolveReady!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
  readonly enableSandbox = vi.fn(() => this.calls.push('enableSandbox'));
  readonly requestSingleInstanceLock = vi.fn(() => {
    this.calls.push('requestSingleInstanceLock');
    return this.hasLock;
  });
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly setBadgeCount = vi.fn(() => true);
  readonly getPath = vi.fn((_name: string) => fakePaths.userData);
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return this.readyNow;
  }
  ready(): void {
    this.readyNow = true;
    this.calls.push('ready');
    this.resolveReady();
  }
}

export const fakePaths = { userData: '/nonexistent' };
export const fakeApp = new FakeApp();

export const fakeProtocol = {
  registerSchemesAsPrivileged: vi.fn((_schemes: unknown) => {
    fakeApp.calls.push(`registerSchemesAsPrivileged${fakeApp.readyNow ? ' after ready' : ''}`);
  }),
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
    fakeProtocol.handlers.set(scheme, handler);
  }),
};

export const fakeMenu = {
  buildFromTemplate: vi.fn((template: unknown) => ({ template })),
  setApplicationMenu: vi.fn(),
};

export class FakeNotification extends EventEmitter {
  static shown: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

export const fakeScreen = {
  getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]),
};

export const fakeShell = {
  openExternal: vi.fn(async (_url: string) => undefined),
  /** Resolves with '' (opened) unless a test sets what the system says instead. */
  openPath: vi.fn(async (_path: string) => ''),
};

/** The save dialog: answers what the test put in `nextAnswer` (cancelled by default). */
export const fakeDialog = {
  nextAnswer: { canceled: true, filePath: '' } as { canceled: boolean; filePath: string },
  showSaveDialog: vi.fn(async (..._args: unknown[]) => fakeDialog.nextAnswer),
};

export const fakeIpcMain = {
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  handle: vi.fn((channel: string, handler: (...args: unknown[]) => unknown) => {
    fakeIpcMain.handlers.set(channel, handler);
  }),
};

/** The module object handed to vi.mock('electron'). */
export const fakeElectron = {
  app: fakeApp,
  BrowserWindow: FakeBrowserWindow,
  Menu: fakeMenu,
  Notification: FakeNotification,
  ipcMain: fakeIpcMain,
  protocol: fakeProtocol,
  screen: fakeScreen,
  shell: fakeShell,
  dialog: fakeDialog,
  session: { defaultSession: fakeSession },
  contextBridge: fakeContextBridge,
  ipcRenderer: fakeIpcRenderer,
};
