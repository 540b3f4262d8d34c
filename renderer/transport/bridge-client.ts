import type { BridgeMessage, ContractClient, EventName, Reply } from '../../shared/contract.js';
import { replySchema } from '../../shared/reply.js';
import { BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../shared/bridge-protocol.js';


type Pending = { resolve: (reply: Reply<unknown>) => void };

const connectionLost: Reply<never> = {
  ok: false,
  error: { code: 'CONNECTION_LOST', message: 'The app’s background service stopped answering. Reload the page.' },
};

/**
 * The contract over the loopback WebSocket bridge (`npm run web`). The token proves to the
 * server that this page was opened from the URL it printed; it rides as a subprotocol because
 * a browser cannot set other headers on a WebSocket.
 */
export function createBridgeClient(url: string, token: string): ContractClient {
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opening: Promise<WebSocket> | undefined;

  function open(): Promise<WebSocket> {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    opening ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, [BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token]);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new Error('bridge connection failed'));
      ws.onclose = () => {
        socket = undefined;
        opening = undefined;
        for (const [, request] of pending) request.resolve(connectionLost);
        pending.clear();
      };
      ws.onmessage = (event) => receive(String(event.data));
    }).catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  }

  function receive(text: string): void {
    let message: BridgeMessage;
    try {
      message = JSON.parse(text) as BridgeMessage;
    } catch {
      return;
    }
    if (message.kind === 'reply') {
      const request = pending.get(message.id);
      if (!request) return;
      pending.delete(message.id);
      const checked = replySchema.safeParse(message.reply);
      request.resolve(checked.success ? (checked.data as Reply<unknown>) : connectionLost);
    } else if (message.kind === 'event') {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    }
  }

  // Events flow only while a socket is open, so open one at once.
  void open().catch(() => {});

  return {
    async invoke(channel, input) {
      let ws: WebSocket;
      try {
        ws = await open();
      } catch {
        return connectionLost;
      }
      const id = nextId++;
      const reply = new Promise<Reply<unknown>>((resolve) => pending.set(id, { resolve }));
      ws.send(JSON.stringify({ id, channel, input }));
      return reply as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
