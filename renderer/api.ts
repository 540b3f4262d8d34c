import type { ContractClient } from '../shared/contract.js';
import { BRIDGE_PATH } from '../shared/bridge-protocol.js';
import { createBridgeClient } from './transport/bridge-client.js';

declare global {
  interface Window {
    /** Present in the desktop app: the preload's typed bridge to main. */
    mua?: ContractClient;
  }
}

const TOKEN_KEY = 'mua.bridge-token';

/**
 * The renderer's one way to reach main. It never knows which transport carries the contract:
 * Electron's preload in the desktop app, the loopback bridge in a browser tab.
 */
export function connectToMain(location: Location = window.location, storage: Storage = window.sessionStorage): ContractClient {
  if (window.mua) return window.mua;
  const token = takeToken(location, storage);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}`;
  return createBridgeClient(url, token);
}

/** Reads the token from the URL's fragment once, then keeps it out of the address bar. */
function takeToken(location: Location, storage: Storage): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}
