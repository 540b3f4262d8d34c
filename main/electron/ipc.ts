import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { ELECTRON_INVOKE_CHANNEL, type Reply } from '../../shared/contract.js';
import { AppError } from '../../shared/errors.js';
import type { Dispatch } from '../contract/dispatch.js';
import { log } from '../log.js';
import { isRendererUrl } from './paths.js';

/** The parts of a frame the sender check reads; a WebFrameMain has them all. */
export type SenderFrame = { readonly url: string; readonly parent: object | null; readonly detached?: boolean };

/**
 * True when `frame` is a top-level frame showing our renderer page. A mail frame (a subframe, or
 * about:srcdoc) and any page the window was somehow taken to are refused, so only our own code
 * reaches main even if the preload's `mua` object were to leak into another document.
 */
export function isTrustedSenderFrame(frame: SenderFrame | null | undefined, expectedUrl: string): boolean {
  if (!frame || frame.detached) return false;
  if (frame.parent !== null) return false;
  return isRendererUrl(frame.url, expectedUrl);
}

/**
 * The sender check main.ts installs: the message must come from the main window's own WebContents,
 * from its top frame (the same process and routing id, which stay stable while WebFrameMain
 * objects may be re-created), showing our renderer page. `getWindow` is read on every call
 * because the window can be closed and re-opened (macOS).
 */
export function trustedSenderCheck(
  getWindow: () => BrowserWindow | null,
  expectedUrl: string,
): (event: IpcMainInvokeEvent) => boolean {
  return (event) => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return false;
    const contents = window.webContents;
    if (event.sender.id !== contents.id) return false;
    const frame = event.senderFrame;
    const top = contents.mainFrame;
    if (!frame || frame.processId !== top.processId || frame.routingId !== top.routingId) return false;
    return isTrustedSenderFrame(frame, expectedUrl);
  };
}

/**
 * Connects the contract to Electron IPC: one invoke channel carries every request as
 * (channel, input). A sender that fails the check gets the same reply as an unknown channel
 * (it learns nothing about what exists) and dispatch never runs. Otherwise dispatch validates the
 * input against the contract's schema before any handler sees it, and returns a Reply; it never
 * throws, so no stack trace crosses to the renderer.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  dispatch: Dispatch,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): void {
  ipcMain.handle(ELECTRON_INVOKE_CHANNEL, async (event, channel: unknown, input: unknown): Promise<Reply<unknown>> => {
    if (!safely(isTrustedSender, event)) {
      log.warn('IPC call from an untrusted frame refused', { channel: typeof channel === 'string' ? channel.slice(0, 100) : typeof channel });
      return { ok: false, error: new AppError('UNKNOWN_CHANNEL').toDto() };
    }
    return dispatch(channel, input);
  });
}

/** Reading a frame that is going away can throw; such a sender is simply not trusted. */
function safely(check: (event: IpcMainInvokeEvent) => boolean, event: IpcMainInvokeEvent): boolean {
  try {
    return check(event);
  } catch {
    return false;
  }
}
