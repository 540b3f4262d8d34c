import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { bridgeRequestSchema, type BridgeMessage } from '../../shared/contract.js';
import { BRIDGE_PATH, BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../shared/bridge-protocol.js';
import { AppError } from '../../shared/errors.js';
import type { Dispatch } from '../contract/dispatch.js';
import type { EventBus } from '../contract/event-bus.js';
import { log } from '../log.js';
import { partRequestOf } from '../../shared/message-parts.js';
import type { PartSource } from '../attachments/message-parts.js';
import { servePart } from './part-route.js';
import { send, serveStatic } from './static-files.js';

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export type BridgeOptions = {
  dispatch: Dispatch;
  bus: EventBus;
  /** The built renderer to serve; omitted, only the bridge answers. */
  staticRoot?: string;
  port?: number;
  /** Fixed for tests; otherwise a fresh random token per run. */
  token?: string;
  /** The parts of opened messages (inline images, attachment downloads); omitted, none are served. */
  parts?: PartSource;
};

export type RunningBridge = {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
};

/**
 * The loopback transport for `npm run web` and the browser tests. It listens on 127.0.0.1 only
 * and serves the contract to a page that proves it was opened from the URL we printed (the
 * per-run token) and runs on our own origin (checked against DNS rebinding and other sites).
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const server = createServer();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('request', (req, res) => {
    const host = req.headers.host ?? '';
    if (!allowedHosts.has(host)) return send(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    const partRequest = partRequestOf((req.url ?? '/').split('?')[0] ?? '/');
    if (partRequest) {
      if (!options.parts) return send(res, 404, 'Not found');
      return void servePart(req, res, partRequest, options.parts, allowedOrigins);
    }
    if (!options.staticRoot) return send(res, 404, 'Not found');
    // The host the page was reached by (checked above) is the origin its mail frame's policy names.
    void serveStatic(options.staticRoot, req.url ?? '/', res, `http://${host}`);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(req, token, allowedHosts, allowedOrigins);
    if (refusal) {
      log.warn('refused a bridge connection', { reason: refusal.reason });
      socket.end(`HTTP/1.1 ${refusal.status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, options.dispatch));
  });

  const unsubscribe = options.bus.subscribe((event, payload) => {
    const message: BridgeMessage = { kind: 'event', event, payload };
    const text = JSON.stringify(message);
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}

function refuseUpgrade(
  req: IncomingMessage,
  token: string,
  hosts: Set<string>,
  origins: Set<string>,
): { status: string; reason: string } | undefined {
  if ((req.url ?? '').split('?')[0] !== BRIDGE_PATH) return { status: '404 Not Found', reason: 'path' };
  if (!hosts.has(req.headers.host ?? '')) return { status: '421 Misdirected Request', reason: 'host' };
  if (!origins.has(req.headers.origin ?? '')) return { status: '403 Forbidden', reason: 'origin' };
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const presented = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
  if (!presented || !sameSecret(presented, token)) return { status: '401 Unauthorized', reason: 'token' };
  if (!offered.includes(BRIDGE_PROTOCOL)) return { status: '400 Bad Request', reason: 'protocol' };
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function serveClient(ws: WebSocket, dispatch: Dispatch): void {
  ws.on('message', async (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'text only');
    let request;
    try {
      request = bridgeRequestSchema.parse(JSON.parse(data.toString()));
    } catch {
      return ws.close(1007, 'malformed request');
    }
    const reply = await dispatch(request.channel, request.input).catch(() => ({
      ok: false as const,
      error: new AppError('INTERNAL').toDto(),
    }));
    const message: BridgeMessage = { kind: 'reply', id: request.id, reply };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
