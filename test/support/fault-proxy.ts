import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A loopback TCP proxy that breaks connections on purpose, for tests of what our IMAP, POP3 and
 * SMTP clients do when the network misbehaves. It never looks inside the stream, so TLS passes
 * through untouched (the test bed certificate names 127.0.0.1, so a client pointed at the proxy
 * still verifies).
 *
 * Faults are planned before the connection they hit: a plan is attached when a connection is
 * accepted, never to connections already open (those can be dropped with cutAll()).
 */

export type Direction = 'toClient' | 'toServer';

/** 'next': only the next accepted connection, then the plan is used up. 'every': until clear(). */
export type Scope = 'next' | 'every';

export type FaultOptions = { direction: Direction; connection?: Scope };

export type ByteCounts = { toClient: number; toServer: number };

export type ProxyEvent = {
  /** 1 for the first accepted connection, and so on. Refused connections get no number. */
  connection: number;
  event: 'open' | 'cut' | 'stall' | 'close';
  bytesToClient: number;
  bytesToServer: number;
};

export type FaultProxyOptions = {
  target: { host: string; port: number };
  listenHost?: '127.0.0.1';
};

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted and forwarded so far (refused ones are not counted here). */
  readonly connections: number;
  /** Connections reset by refuse(), so a test can tell that the client did try. */
  readonly refused: number;
  readonly open: number;
  /** The most connections that were open at the same time. */
  readonly maxOpen: number;
  /** Bytes forwarded: `last` for the most recently accepted connection, `all` summed over every one. */
  readonly bytes: { readonly last: ByteCounts; readonly all: ByteCounts };
  readonly log: readonly ProxyEvent[];
  /**
   * Forwards exactly `bytes` in `direction` (counted from the start of the connection), then ends
   * the connection: the receiving peer gets those bytes and a close, the sending one is dropped.
   */
  cutAfter(bytes: number, options: FaultOptions): void;
  /** Forwards exactly `bytes` in `direction`, then holds the rest, sockets open, until resume(). */
  stallAfter(bytes: number, options: FaultOptions): void;
  /** Lets every stalled connection go on. Stall plans for future connections stay until clear(). */
  resume(): void;
  /** From now on new connections are reset as soon as they are accepted (the server "is offline"). */
  refuse(): void;
  accept(): void;
  /** Destroys every open connection now, abruptly: whatever is still queued is lost. */
  cutAll(): void;
  /** Forgets every plan not yet attached to a connection; does not resume stalls. */
  clear(): void;
  /** Stops listening and destroys everything; resolves once every socket has closed. */
  close(): Promise<void>;
}

/** How long a cut connection waits for its peer to close after FIN before it is destroyed. */
const CUT_GRACE_MS = 2_000;

type Plan = { kind: 'cut' | 'stall'; bytes: number; direction: Direction; scope: Scope };

/** One direction of one connection: where the bytes come from, where they go, and the limits. */
type Pipe = {
  direction: Direction;
  from: Socket;
  to: Socket;
  forwarded: number;
  cutAt: number;
  stallAt: number;
  /** The part of a chunk past the stall point, and whatever arrives while stalled. */
  held: Buffer[];
  stalled: boolean;
  /** The source sent FIN; pass it on once nothing is held any more. */
  ended: boolean;
  /** Waiting for `to` to drain (backpressure), so `from` stays paused. */
  waiting: boolean;
};

type Connection = {
  id: number;
  client: Socket;
  server: Socket;
  pipes: Record<Direction, Pipe>;
  /** Once cut, nothing more is forwarded in either direction. */
  cut: boolean;
  closedSockets: number;
  closed: Promise<void>;
};

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { target } = options;
  const host = options.listenHost ?? '127.0.0.1';
  let plans: Plan[] = [];
  let refusing = false;
  let accepted = 0;
  let refusedCount = 0;
  let maxOpen = 0;
  const all: ByteCounts = { toClient: 0, toServer: 0 };
  let last: Connection | undefined;
  const live = new Set<Connection>();
  const rejected = new Set<Socket>();
  const log: ProxyEvent[] = [];

  const record = (c: Connection, event: ProxyEvent['event']) =>
    log.push({ connection: c.id, event, bytesToClient: c.pipes.toClient.forwarded, bytesToServer: c.pipes.toServer.forwarded });

  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    // ECONNRESET, EPIPE and the like are what this proxy is for; never let one become an uncaught 'error'.
    client.on('error', () => {});
    if (refusing) {
      refusedCount++;
      rejected.add(client);
      client.on('close', () => rejected.delete(client));
      // RST rather than FIN: a client sees ECONNRESET, as from a host that dropped the connection.
      client.resetAndDestroy();
      return;
    }
    attach(client);
  });
  server.on('error', () => {});

  function attach(client: Socket): void {
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    const pipe = (direction: Direction, from: Socket, to: Socket): Pipe => ({
      direction, from, to, forwarded: 0, cutAt: Infinity, stallAt: Infinity, held: [], stalled: false, ended: false, waiting: false,
    });
    let settle!: () => void;
    const c: Connection = {
      id: ++accepted,
      client,
      server: upstream,
      pipes: { toClient: pipe('toClient', upstream, client), toServer: pipe('toServer', client, upstream) },
      cut: false,
      closedSockets: 0,
      closed: new Promise((resolve) => (settle = resolve)),
    };
    // Several plans may meet on one connection; the earliest limit per direction wins.
    for (const plan of plans) {
      const p = c.pipes[plan.direction];
      if (plan.kind === 'cut') p.cutAt = Math.min(p.cutAt, plan.bytes);
      else p.stallAt = Math.min(p.stallAt, plan.bytes);
    }
    plans = plans.filter((plan) => plan.scope === 'every');
    live.add(c);
    last = c;
    maxOpen = Math.max(maxOpen, live.size);
    record(c, 'open');

    for (const socket of [client, upstream]) {
      socket.on('close', (hadError) => {
        // An abortive close on one side is passed on as one; a clean one finishes through 'end'.
        if (hadError) destroyBoth(c);
        if (++c.closedSockets < 2) return;
        live.delete(c);
        record(c, 'close');
        settle();
      });
    }
    // Expected here, never uncaught; a failed connect upstream drops the client rather than leaving it hanging.
    upstream.on('error', () => destroyBoth(c));

    for (const p of Object.values(c.pipes)) {
      p.from.on('data', (chunk: Buffer) => onData(c, p, chunk));
      p.from.on('end', () => {
        p.ended = true;
        flushEnd(c, p);
      });
      p.to.on('drain', () => {
        p.waiting = false;
        if (!p.stalled && !c.cut) p.from.resume();
      });
    }
    for (const p of Object.values(c.pipes)) {
      // A limit of 0 means "from the very first byte": nothing may pass at all.
      if (p.cutAt === 0) cut(c, p);
      else if (p.stallAt === 0) stall(c, p);
    }
    // pauseOnConnect kept the client quiet until the plan was in place.
    if (!c.cut && !c.pipes.toServer.stalled) client.resume();
  }

  function onData(c: Connection, p: Pipe, chunk: Buffer): void {
    if (c.cut) return;
    if (p.stalled) {
      p.held.push(chunk);
      return;
    }
    forward(c, p, chunk);
  }

  /** Writes what may pass before the next limit, and acts on the limit when the chunk reaches it. */
  function forward(c: Connection, p: Pipe, chunk: Buffer): void {
    const limit = Math.min(p.cutAt, p.stallAt);
    const room = limit - p.forwarded;
    const now = chunk.length <= room ? chunk : chunk.subarray(0, room);
    const rest = chunk.length <= room ? undefined : chunk.subarray(room);
    const reachesCut = p.forwarded + now.length >= p.cutAt;
    if (now.length > 0) {
      p.forwarded += now.length;
      all[p.direction] += now.length;
      const flushed = p.to.write(now);
      if (!flushed && !p.waiting) {
        p.waiting = true;
        p.from.pause();
      }
    }
    if (reachesCut) return cut(c, p);
    if (p.forwarded < p.stallAt) return;
    stall(c, p);
    if (rest && rest.length > 0) p.held.push(rest);
  }

  /**
   * The receiving side gets FIN after the last allowed byte, the sending side is destroyed at once.
   * Not destroy() on the receiving side: that would drop what is still queued in Node, and a
   * kernel closing a socket that still has (or later gets) input answers with RST and throws away
   * what it has not sent yet. So its input is read and dropped, and it is destroyed once the peer
   * has closed too, or after a grace period for a peer that never does.
   */
  function cut(c: Connection, p: Pipe): void {
    if (c.cut) return;
    c.cut = true;
    record(c, 'cut');
    p.from.destroy();
    p.to.resume();
    p.to.end();
    const timer = setTimeout(() => p.to.destroy(), CUT_GRACE_MS).unref();
    p.to.once('close', () => clearTimeout(timer));
  }

  function stall(c: Connection, p: Pipe): void {
    if (p.stalled) return;
    p.stalled = true;
    // Paused, the source's kernel buffer fills and TCP flow control holds the sender back.
    p.from.pause();
    record(c, 'stall');
  }

  function unstall(c: Connection, p: Pipe): void {
    p.stallAt = Infinity;
    if (!p.stalled || c.cut) return;
    p.stalled = false;
    const held = p.held;
    p.held = [];
    for (const chunk of held) {
      if (c.cut) return;
      forward(c, p, chunk);
    }
    flushEnd(c, p);
    if (!p.waiting && !c.cut) p.from.resume();
  }

  function flushEnd(c: Connection, p: Pipe): void {
    if (p.ended && !p.stalled && !c.cut) p.to.end();
  }

  function destroyBoth(c: Connection): void {
    c.cut = true;
    c.client.destroy();
    c.server.destroy();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const counts = (c: Connection | undefined): ByteCounts => ({
    toClient: c?.pipes.toClient.forwarded ?? 0,
    toServer: c?.pipes.toServer.forwarded ?? 0,
  });
  const check = (bytes: number) => {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`a byte count must be a whole number ≥ 0, not ${bytes}`);
  };

  return {
    host,
    port,
    get connections() {
      return accepted;
    },
    get refused() {
      return refusedCount;
    },
    get open() {
      return live.size;
    },
    get maxOpen() {
      return maxOpen;
    },
    get bytes() {
      return { last: counts(last), all: { ...all } };
    },
    log,
    cutAfter(bytes, { direction, connection = 'next' }) {
      check(bytes);
      plans.push({ kind: 'cut', bytes, direction, scope: connection });
    },
    stallAfter(bytes, { direction, connection = 'next' }) {
      check(bytes);
      plans.push({ kind: 'stall', bytes, direction, scope: connection });
    },
    resume() {
      for (const c of live) for (const p of Object.values(c.pipes)) unstall(c, p);
    },
    refuse() {
      refusing = true;
    },
    accept() {
      refusing = false;
    },
    cutAll() {
      for (const c of live) {
        if (!c.cut) record(c, 'cut');
        destroyBoth(c);
      }
    },
    clear() {
      plans = [];
    },
    async close() {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const closing = [...live].map((c) => c.closed);
      for (const c of live) destroyBoth(c);
      // Still in the set means 'close' has not been emitted yet.
      const rejectedClosed = [...rejected].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
      for (const s of rejected) s.destroy();
      await Promise.all([serverClosed, ...closing, ...rejectedClosed]);
    },
  };
}
