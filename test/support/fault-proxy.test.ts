import { ImapFlow } from 'imapflow';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { imapOptions } from '../../main/imap/connect.js';
import type { Account } from '../../shared/schemas.js';
import { testbedAccount } from './accounts.js';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
import { testbed } from './testbed.js';

/** A greeting, then an echo of whatever the client sends; keeps what each connection received. */
type EchoServer = { port: number; received: Buffer[][]; closed: number; close(): Promise<void> };

async function startEchoServer(greeting: Buffer[] = [], gapMs = 0): Promise<EchoServer> {
  const received: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const state = { closed: 0 };
  const server = createServer((socket) => {
    sockets.add(socket);
    const mine: Buffer[] = [];
    received.push(mine);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      state.closed++;
    });
    socket.on('data', (chunk: Buffer) => {
      mine.push(chunk);
      socket.write(chunk);
    });
    void (async () => {
      // Separate writes with a pause between them arrive at the proxy as separate chunks.
      for (const part of greeting) {
        if (socket.destroyed) return;
        socket.write(part);
        if (gapMs) await sleep(gapMs);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    get closed() {
      return state.closed;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A test client: collects what arrives and notes how the connection ended. */
type Client = {
  socket: Socket;
  data: () => Buffer;
  closed: Promise<{ error?: string }>;
  isClosed: () => boolean;
};

function client(port: number): Client {
  const socket = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  let error: string | undefined;
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  const closed = new Promise<{ error?: string }>((resolve) =>
    socket.on('close', () => {
      isClosed = true;
      resolve(error ? { error } : {});
    }),
  );
  return { socket, data: () => Buffer.concat(chunks), closed, isClosed: () => isClosed };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes whose every position is recognisable, so a wrong slice shows in the comparison. */
const pattern = (length: number, seed = 0) => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + seed) % 251));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function echo(greeting: Buffer[] = [], gapMs = 0): Promise<EchoServer> {
  const server = await startEchoServer(greeting, gapMs);
  cleanups.push(() => server.close());
  return server;
}

async function proxyTo(target: FaultProxyOptions['target']): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target });
  cleanups.push(() => proxy.close());
  return proxy;
}

const local = (server: EchoServer) => ({ host: '127.0.0.1', port: server.port });

describe('fault proxy', () => {
  it('forwards both ways untouched when no fault is planned', async () => {
    const greeting = pattern(50_000);
    const server = await echo([greeting]);
    const proxy = await proxyTo(local(server));
    const c = client(proxy.port);
    c.socket.write('hello');
    await until(() => c.data().length === greeting.length + 5, 'greeting and echo');
    expect(c.data().subarray(0, greeting.length).equals(greeting)).toBe(true);
    expect(c.data().subarray(greeting.length).toString()).toBe('hello');
    expect(proxy.bytes.last).toEqual({ toClient: 50_005, toServer: 5 });
    c.socket.end();
    await c.closed;
    await until(() => proxy.open === 0, 'the proxy to see the close');
    expect(proxy.log.map((e) => e.event)).toEqual(['open', 'close']);
  });

  it('cuts toClient at an exact byte count: the client gets exactly those bytes, then close', async () => {
    // One 10 000-byte write: the cut point falls inside a single chunk.
    const greeting = pattern(10_000);
    const server = await echo([greeting]);
    const proxy = await proxyTo(local(server));
    proxy.cutAfter(1234, { direction: 'toClient' });
    const c = client(proxy.port);
    await c.closed;
    expect(c.data().length).toBe(1234);
    expect(c.data().equals(greeting.subarray(0, 1234))).toBe(true);
    await until(() => server.closed === 1, 'the server side to be closed too');
    expect(proxy.log.find((e) => e.event === 'cut')).toMatchObject({ connection: 1, bytesToClient: 1234, bytesToServer: 0 });
  });

  it('cuts exactly in the middle of a large response to a slow reader that keeps sending', async () => {
    const greeting = pattern(4_000_000);
    const server = await echo([greeting]);
    const proxy = await proxyTo(local(server));
    proxy.cutAfter(3_000_001, { direction: 'toClient' });
    const c = client(proxy.port);
    // Not reading fills every buffer on the way, so the cut finds megabytes still queued.
    c.socket.pause();
    for (let i = 0; i < 20 && !c.isClosed(); i++) {
      c.socket.write('ping');
      await sleep(10);
    }
    await until(() => proxy.log.some((e) => e.event === 'cut'), 'the cut');
    c.socket.resume();
    await c.closed;
    expect(c.data().length).toBe(3_000_001);
    expect(c.data().equals(greeting.subarray(0, 3_000_001))).toBe(true);
  });

  it('cuts toServer at an exact byte count: the server gets exactly those bytes, then close', async () => {
    const server = await echo();
    const proxy = await proxyTo(local(server));
    proxy.cutAfter(777, { direction: 'toServer' });
    const c = client(proxy.port);
    const sent = pattern(5_000, 3);
    c.socket.write(sent);
    await c.closed;
    await until(() => server.closed === 1, 'the server side to be closed');
    const got = Buffer.concat(server.received[0]!);
    expect(got.length).toBe(777);
    expect(got.equals(sent.subarray(0, 777))).toBe(true);
    // The echo of what did reach the server may come back before the cut, but never more of it.
    expect(c.data().length).toBeLessThanOrEqual(777);
    expect(proxy.bytes.last.toServer).toBe(777);
  });

  it('slices a chunk that straddles the cut point, in either direction', async () => {
    // Three separate 100-byte writes; the cut at 250 falls in the middle of the third chunk.
    const parts = [pattern(100, 1), pattern(100, 2), pattern(100, 3)];
    const server = await echo(parts, 30);
    const proxy = await proxyTo(local(server));
    proxy.cutAfter(250, { direction: 'toClient' });
    const c = client(proxy.port);
    await c.closed;
    expect(c.data().equals(Buffer.concat(parts).subarray(0, 250))).toBe(true);

    proxy.cutAfter(150, { direction: 'toServer' });
    const d = client(proxy.port);
    d.socket.write(pattern(100, 4));
    await until(() => proxy.bytes.last.toServer === 100, 'the first chunk to pass');
    d.socket.write(pattern(100, 5));
    await d.closed;
    await until(() => server.closed === 2, 'the second server side to close');
    expect(Buffer.concat(server.received[1]!).equals(Buffer.concat([pattern(100, 4), pattern(50, 5)]))).toBe(true);
    expect(proxy.log.filter((e) => e.event === 'cut').map((e) => [e.connection, e.bytesToClient, e.bytesToServer])).toEqual([
      [1, 250, 0],
      [2, expect.any(Number), 150],
    ]);
  });

  it('stalls after a byte count with the sockets open, and resume() delivers the rest', async () => {
    const greeting = pattern(2_000);
    const server = await echo([greeting]);
    const proxy = await proxyTo(local(server));
    proxy.stallAfter(500, { direction: 'toClient' });
    const c = client(proxy.port);
    await until(() => c.data().length === 500, 'the first 500 bytes');
    await sleep(150);
    expect(c.data().length).toBe(500);
    expect(c.isClosed()).toBe(false);
    expect(proxy.open).toBe(1);
    expect(proxy.log.at(-1)).toMatchObject({ event: 'stall', bytesToClient: 500 });

    proxy.resume();
    await until(() => c.data().length === 2_000, 'the rest of the greeting');
    expect(c.data().equals(greeting)).toBe(true);
    // Still a working connection afterwards.
    c.socket.write('ping');
    await until(() => c.data().length === 2_004, 'the echo');
    expect(c.data().subarray(2_000).toString()).toBe('ping');
  });

  it('stalls toServer too, holding what the client sent until resume()', async () => {
    const server = await echo();
    const proxy = await proxyTo(local(server));
    proxy.stallAfter(3, { direction: 'toServer' });
    const c = client(proxy.port);
    c.socket.write('hello');
    await until(() => Buffer.concat(server.received[0] ?? []).toString() === 'hel', 'the first 3 bytes');
    await sleep(100);
    expect(Buffer.concat(server.received[0]!).toString()).toBe('hel');
    proxy.resume();
    await until(() => c.data().toString() === 'hello', 'the whole echo');
  });

  it("applies a 'next' plan to one connection only, an 'every' plan to each until clear()", async () => {
    const greeting = pattern(1_000);
    const server = await echo([greeting]);
    const proxy = await proxyTo(local(server));
    const received = async () => {
      const c = client(proxy.port);
      await until(() => c.isClosed() || c.data().length === greeting.length, 'a cut or the whole greeting');
      await sleep(20);
      const length = c.data().length;
      c.socket.destroy();
      return length;
    };

    proxy.cutAfter(10, { direction: 'toClient', connection: 'next' });
    expect(await received()).toBe(10);
    expect(await received()).toBe(1_000);

    proxy.cutAfter(20, { direction: 'toClient', connection: 'every' });
    expect([await received(), await received(), await received()]).toEqual([20, 20, 20]);
    proxy.clear();
    expect(await received()).toBe(1_000);
    expect(proxy.connections).toBe(6);
  });

  it('refuse() resets new connections at once, accept() lets them through again', async () => {
    const server = await echo([Buffer.from('* OK hello\r\n')]);
    const proxy = await proxyTo(local(server));
    proxy.refuse();
    const c = client(proxy.port);
    const outcome = await c.closed;
    expect(c.data().length).toBe(0);
    // A reset usually surfaces as ECONNRESET; if it lands before the client reads, as a bare close.
    expect([undefined, 'ECONNRESET']).toContain(outcome.error);
    expect(proxy.refused).toBe(1);
    expect(proxy.connections).toBe(0);
    expect(server.received).toHaveLength(0);

    proxy.accept();
    const d = client(proxy.port);
    await until(() => d.data().toString() === '* OK hello\r\n', 'the greeting');
    expect(proxy.connections).toBe(1);
  });

  it('counts open connections and the peak of concurrent ones; cutAll() drops them all', async () => {
    const server = await echo([Buffer.from('hi')]);
    const proxy = await proxyTo(local(server));
    const a = client(proxy.port);
    const b = client(proxy.port);
    const c = client(proxy.port);
    await until(() => [a, b, c].every((x) => x.data().length === 2), 'three greetings');
    expect(proxy.open).toBe(3);
    a.socket.end();
    await until(() => proxy.open === 2, 'one to close');
    const d = client(proxy.port);
    await until(() => d.data().length === 2, 'the fourth greeting');
    expect({ connections: proxy.connections, open: proxy.open, maxOpen: proxy.maxOpen }).toEqual({ connections: 4, open: 3, maxOpen: 3 });

    proxy.cutAll();
    await Promise.all([b.closed, c.closed, d.closed]);
    await until(() => proxy.open === 0, 'all to close');
    expect(proxy.maxOpen).toBe(3);
    expect(proxy.log.filter((e) => e.event === 'cut').map((e) => e.connection).sort()).toEqual([2, 3, 4]);
  });

  it('close() leaves no open handles behind, stalled connections included', async () => {
    const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    const before = tcpHandles();
    const server = await startEchoServer([pattern(1_000)]);
    const proxy = await startFaultProxy({ target: local(server) });
    proxy.stallAfter(10, { direction: 'toClient' });
    const a = client(proxy.port);
    const b = client(proxy.port);
    await until(() => a.data().length === 10 && b.data().length === 1_000, 'one stalled, one flowing');
    proxy.refuse();
    const refused = client(proxy.port);

    await proxy.close();
    expect(proxy.open).toBe(0);
    await Promise.all([a.closed, b.closed, refused.closed]);
    await server.close();
    // At most as many as before: a socket of an earlier test may still have been closing then.
    await until(() => tcpHandles() <= before, 'every TCP handle to be gone');
    const late = client(proxy.port);
    expect((await late.closed).error).toBe('ECONNREFUSED');
  });
});

describe('fault proxy in front of the test bed', () => {
  /** Alice's account, pointed at the proxy: 127.0.0.1 is in the test bed certificate, so TLS still verifies. */
  function aliceVia(proxy: FaultProxy): { account: Account; password: string } {
    const input = testbedAccount('alice', { imap: 'tls' });
    const account: Account = {
      id: 'fault-proxy-alice',
      name: input.name,
      email: input.email,
      sentCopy: 'append',
      imap: { host: proxy.host, port: proxy.port, security: 'tls' },
      smtp: input.smtp,
    };
    return { account, password: input.password };
  }

  /**
   * imapflow with the app's options and a logger that notes how many bytes had reached the client
   * when the login began, when the credentials went out (after the server's "+" to AUTHENTICATE
   * PLAIN) and when the server's tagged answer to them was read.
   */
  function imapThrough(proxy: FaultProxy) {
    const { account, password } = aliceVia(proxy);
    const marks: { login?: number; credentials?: number; answered?: number } = {};
    const note = (entry: { src?: string; msg?: string }) => {
      const msg = entry.msg ?? '';
      const bytes = proxy.bytes.last.toClient;
      if (marks.answered !== undefined) return;
      if (entry.src === 'c' && (marks.login !== undefined || /\b(LOGIN|AUTHENTICATE)\b/.test(msg))) {
        marks.login ??= bytes;
        marks.credentials = bytes;
      } else if (entry.src === 's' && marks.login !== undefined && /^[^*+\s]\S* (OK|NO|BAD)\b/.test(msg)) {
        marks.answered = bytes;
      }
    };
    const logger = { debug: note, info: note, warn: () => {}, error: () => {} };
    const client = new ImapFlow({ ...imapOptions(account, password), logger });
    // As in withImap: the failure arrives as connect()'s rejection; an 'error' event must not crash.
    client.on('error', () => {});
    return { client, marks };
  }

  it('logs alice in through the proxy, and a cut inside the login answer rejects connect() without a hang', async () => {
    const bed = testbed();
    const proxy = await proxyTo({ host: bed.imap.host, port: bed.imap.tlsPort });

    // (a) Untouched, a whole session works through the proxy.
    const first = imapThrough(proxy);
    await first.client.connect();
    expect(await first.client.status('INBOX', { messages: true })).toMatchObject({ path: 'INBOX' });
    await first.client.logout();
    await until(() => proxy.open === 0, 'the first session to close');
    const { login, credentials, answered } = first.marks;
    expect(login).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(credentials!);

    // (b) The same session again, cut halfway through the TLS record that carries the answer to the
    // credentials: the password has gone out, the OK never fully arrives.
    const cutAt = Math.floor((credentials! + answered!) / 2);
    proxy.cutAfter(cutAt, { direction: 'toClient' });
    const second = imapThrough(proxy);
    const started = Date.now();
    const error = await second.client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The login command did go out: the cut fell inside the login exchange, not before it.
    expect(second.marks).toEqual({ login, credentials });
    expect(proxy.log.find((e) => e.event === 'cut')).toMatchObject({ connection: 2, bytesToClient: cutAt });
    expect(second.client.usable).toBe(false);
    await until(() => proxy.open === 0, 'the cut session to close');
  });
});
