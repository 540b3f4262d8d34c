import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ContractClient, EventName } from '../../shared/contract.js';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL } from '../../shared/ipc-channels.js';

/**
 * The sandboxed preload: it gives the renderer exactly one object, `window.mua`, with the
 * contract's two verbs and nothing else. ipcRenderer itself is never exposed (it would let a page
 * send on any channel), and listeners never receive the IpcRendererEvent (its `sender` is
 * ipcRenderer again). main checks the sender and validates every argument, so this stays a
 * pass-through with no logic worth attacking.
 */
export type MuaPreloadApi = ContractClient;

type EventMessage = { event: EventName; payload: unknown };

function isEventMessage(message: unknown): message is EventMessage {
  return typeof message === 'object' && message !== null && typeof (message as EventMessage).event === 'string';
}

const api: MuaPreloadApi = {
  invoke(channel, input) {
    return ipcRenderer.invoke(ELECTRON_INVOKE_CHANNEL, channel, input);
  },
  on(event, listener) {
    const forward = (_ipcEvent: IpcRendererEvent, message: unknown) => {
      if (isEventMessage(message) && message.event === event) listener(message.payload as never);
    };
    ipcRenderer.on(ELECTRON_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(ELECTRON_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('mua', api);
