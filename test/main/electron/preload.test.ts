import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { MuaPreloadApi } from '../../../main/electron/preload.js';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL } from '../../../shared/contract.js';
import { fakeContextBridge, fakeIpcRenderer } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).fakeElectron);

let api: MuaPreloadApi;

beforeAll(async () => {
  await import('../../../main/electron/preload.js');
  expect(fakeContextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  api = fakeContextBridge.exposeInMainWorld.mock.calls[0]![1] as MuaPreloadApi;
});

describe('preload', () => {
  it('exposes exactly { invoke, on } as window.mua, and never ipcRenderer', () => {
    const [key, exposed] = fakeContextBridge.exposeInMainWorld.mock.calls[0]!;
    expect(key).toBe('mua');
    expect(Object.keys(exposed as object).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(exposed as object)).not.toContain(fakeIpcRenderer);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
  });

  it('sends invoke(channel, input) on the one invoke channel and returns main’s reply', async () => {
    const reply = await api.invoke('messages.list', { accountId: 'a1', limit: 10 });
    expect(fakeIpcRenderer.invoke).toHaveBeenCalledWith(ELECTRON_INVOKE_CHANNEL, 'messages.list', {
      accountId: 'a1',
      limit: 10,
    });
    expect(reply).toEqual({ ok: true, value: 'from main' });
  });

  it('delivers only the subscribed event, with its payload alone, until unsubscribed', () => {
    const listener = vi.fn();
    const ipcEvent = { sender: fakeIpcRenderer };
    const before = fakeIpcRenderer.listenerCount(ELECTRON_EVENT_CHANNEL);
    const unsubscribe = api.on('mail.sent', listener);
    expect(fakeIpcRenderer.listenerCount(ELECTRON_EVENT_CHANNEL)).toBe(before + 1);

    fakeIpcRenderer.emit(ELECTRON_EVENT_CHANNEL, ipcEvent, { event: 'accounts.changed', payload: { accounts: [] } });
    expect(listener).not.toHaveBeenCalled();

    const payload = { accountId: 'a1', messageId: '<1@x>', accepted: ['b@example.org'] };
    fakeIpcRenderer.emit(ELECTRON_EVENT_CHANNEL, ipcEvent, { event: 'mail.sent', payload });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);

    fakeIpcRenderer.emit(ELECTRON_EVENT_CHANNEL, ipcEvent, 'garbage');
    fakeIpcRenderer.emit(ELECTRON_EVENT_CHANNEL, ipcEvent, null);
    expect(listener).toHaveBeenCalledTimes(1);

    unsubscribe();
    expect(fakeIpcRenderer.listenerCount(ELECTRON_EVENT_CHANNEL)).toBe(before);
    fakeIpcRenderer.emit(ELECTRON_EVENT_CHANNEL, ipcEvent, { event: 'mail.sent', payload });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps two subscriptions independent', () => {
    const first = vi.fn();
    const second = vi.fn();
    const offFirst = api.on('accounts.changed', first);
    const offSecond = api.on('accounts.changed', second);
    offFirst();
    fakeIpcRenderer.emit(ELECTRON_EVENT_CHANNEL, {}, { event: 'accounts.changed', payload: { accounts: [] } });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith({ accounts: [] });
    offSecond();
  });
});
