import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ELECTRON_INVOKE_CHANNEL, requestChannels, type Reply } from '../../../shared/contract.js';
import { createDispatcher, type Dispatch } from '../../../main/contract/dispatch.js';
import type { HandlerTable } from '../../../main/contract/handler-table.js';
import { isTrustedSenderFrame, registerIpc, trustedSenderCheck } from '../../../main/electron/ipc.js';

const rendererUrl = 'app://mua/index.html';
const fileRendererUrl = pathToFileURL(resolve('/opt/mua/out/renderer/index.html')).href;

type Frame = { url: string; parent: Frame | null; processId: number; routingId: number; detached: boolean };

function frame(url: string, parent: Frame | null = null, routingId = 1): Frame {
  return { url, parent, processId: 7, routingId, detached: false };
}

describe('isTrustedSenderFrame', () => {
  it('trusts the top frame showing the renderer page', () => {
    expect(isTrustedSenderFrame(frame(rendererUrl), rendererUrl)).toBe(true);
    expect(isTrustedSenderFrame(frame(`${rendererUrl}#/inbox`), rendererUrl)).toBe(true);
  });

  it('refuses a subframe, even one claiming the renderer URL', () => {
    const top = frame(rendererUrl);
    expect(isTrustedSenderFrame(frame('about:srcdoc', top, 2), rendererUrl)).toBe(false);
    expect(isTrustedSenderFrame(frame(rendererUrl, top, 2), rendererUrl)).toBe(false);
  });

  it.each(['https://evil.example/', 'file:///tmp/index.html', fileRendererUrl, 'app://mua/other.html', 'app://evil/index.html', 'about:blank', `${rendererUrl}?evil=1`])(
    'refuses a top frame on %s',
    (url) => {
      expect(isTrustedSenderFrame(frame(url), rendererUrl)).toBe(false);
    },
  );

  it('refuses a missing or detached frame', () => {
    expect(isTrustedSenderFrame(null, rendererUrl)).toBe(false);
    expect(isTrustedSenderFrame(undefined, rendererUrl)).toBe(false);
    expect(isTrustedSenderFrame({ ...frame(rendererUrl), detached: true }, rendererUrl)).toBe(false);
  });
});

describe('registerIpc', () => {
  type Handler = (event: IpcMainInvokeEvent, channel: unknown, input: unknown) => Promise<Reply<unknown>>;

  const top = frame(rendererUrl);
  const window = {
    isDestroyed: () => false,
    webContents: { id: 1, mainFrame: top },
  };
  let dispatch: ReturnType<typeof vi.fn<Dispatch>>;
  let handler: Handler;
  let registeredChannel: string | undefined;

  function install(dispatchFn: Dispatch) {
    const ipcMain = {
      handle: vi.fn((channel: string, listener: Handler) => {
        registeredChannel = channel;
        handler = listener;
      }),
    };
    registerIpc(ipcMain as never, dispatchFn, trustedSenderCheck(() => window as unknown as BrowserWindow, rendererUrl));
    expect(ipcMain.handle).toHaveBeenCalledTimes(1);
  }

  function call(senderFrame: Frame | null, channel: unknown, input: unknown, senderId = 1) {
    const event = { sender: { id: senderId }, senderFrame } as unknown as IpcMainInvokeEvent;
    return handler(event, channel, input);
  }

  beforeEach(() => {
    dispatch = vi.fn<Dispatch>(async () => ({ ok: true, value: ['an account'] }));
    install(dispatch);
  });

  it('listens on the one invoke channel of the contract', () => {
    expect(registeredChannel).toBe(ELECTRON_INVOKE_CHANNEL);
    expect(registeredChannel).toBe('mua:invoke');
  });

  it('passes a call from the trusted frame to dispatch with its channel and input, and returns the reply', async () => {
    const reply = await call(top, 'messages.list', { accountId: 'a1', limit: 5 });
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(dispatch).toHaveBeenCalledWith('messages.list', { accountId: 'a1', limit: 5 });
    expect(reply).toEqual({ ok: true, value: ['an account'] });
  });

  it('answers the same frame object re-created by Electron (same process and routing id)', async () => {
    await call({ ...top }, 'accounts.list', {});
    expect(dispatch).toHaveBeenCalledWith('accounts.list', {});
  });

  const refused: Array<[string, () => [Frame | null, number]]> = [
    ['a subframe of our window (a mail frame)', () => [frame('about:srcdoc', top, 2), 1]],
    ['a subframe of our window claiming the renderer URL', () => [frame(rendererUrl, top, 2), 1]],
    ['our top frame after it was taken to another URL', () => [{ ...top, url: 'https://evil.example/' }, 1]],
    ['another local file in the top frame', () => [{ ...top, url: 'file:///tmp/evil.html' }, 1]],
    ['another WebContents showing the renderer page', () => [frame(rendererUrl, null, 1), 2]],
    ['a frame that is gone', () => [null, 1]],
  ];

  it.each(refused)('refuses %s without calling dispatch', async (_name, make) => {
    const [senderFrame, senderId] = make();
    const reply = await call(senderFrame, 'accounts.list', {}, senderId);
    expect(dispatch).not.toHaveBeenCalled();
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('UNKNOWN_CHANNEL');
    expect(reply.error.message).not.toMatch(/at .*\.ts|Error:/);
  });

  it('refuses when the window is closed', async () => {
    const closed = { ...window, isDestroyed: () => true };
    let closedHandler: Handler | undefined;
    registerIpc(
      { handle: (_c: string, l: Handler) => (closedHandler = l) } as never,
      dispatch,
      trustedSenderCheck(() => closed as unknown as BrowserWindow, rendererUrl),
    );
    const reply = await closedHandler!({ sender: { id: 1 }, senderFrame: top } as never, 'accounts.list', {});
    expect(reply.ok).toBe(false);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuses when reading the sender throws', async () => {
    let throwingHandler: Handler | undefined;
    registerIpc({ handle: (_c: string, l: Handler) => (throwingHandler = l) } as never, dispatch, () => {
      throw new Error('Render frame was disposed');
    });
    const reply = await throwingHandler!({} as never, 'accounts.list', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  describe('with the real dispatcher', () => {
    const spies = Object.fromEntries(requestChannels.map((channel) => [channel, vi.fn(async () => [])]));
    const handlers = spies as unknown as HandlerTable;

    beforeEach(() => {
      for (const spy of Object.values(spies)) spy.mockClear();
      install(createDispatcher(handlers));
    });

    it('validates the input before any handler runs', async () => {
      const reply = await call(top, 'messages.list', { accountId: 42, limit: 'all' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(spies['messages.list']).not.toHaveBeenCalled();
    });

    it('refuses an unknown channel', async () => {
      const reply = await call(top, 'shell.exec', { command: 'rm -rf /' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    });

    it('runs the handler for a valid call from the trusted frame', async () => {
      const reply = await call(top, 'accounts.list', {});
      expect(reply).toEqual({ ok: true, value: [] });
      expect(spies['accounts.list']).toHaveBeenCalledTimes(1);
    });
  });
});
