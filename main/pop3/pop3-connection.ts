/*
 * The POP3 client (RFC 1939, 2449 CAPA, 2595 STLS, 5034 SASL) is our own: no maintained POP3
 * library for Node speaks STLS, CAPA, APOP and SASL, so main/pop3 is a small client written for
 * this app, in the style of imapflow/nodemailer: this file owns the socket, TLS and the reader;
 * commands/ holds one file per command; pop3-client.ts is the facade the rest of the app uses.
 */
import net, { type Socket } from 'node:net';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { AppError } from '../../shared/errors.js';
import { connectionLost, errReply, pop3Error, protocolError, quoted, timeoutError } from './pop3-errors.js';

export type Pop3Timeouts = {
  /** TCP connect plus, for implicit TLS and STLS, the TLS handshake. */
  connectMs: number;
  /** From connected to the server's greeting line. */
  greetingMs: number;
  /** Any single wait for data from the server (a reply line, the next chunk of a message). */
  readMs: number;
};

export const DEFAULT_TIMEOUTS: Pop3Timeouts = { connectMs: 15_000, greetingMs: 15_000, readMs: 60_000 };

export type Pop3ConnectionOptions = {
  host: string;
  port: number;
  /** TLS from the first byte (port 995); otherwise plaintext until upgradeToTls (STLS). */
  implicitTls: boolean;
  /** Always net/tls-options.ts verifiedTlsOptions: verification on, a pinned certificate per host. */
  tls: ConnectionOptions;
  timeouts?: Partial<Pop3Timeouts>;
  /**
   * The longest status or listing line accepted, without CRLF. RFC 1939 allows 512 octets for a
   * status line and RFC 2449 as much for a CAPA line; more is tolerated, a line past this is a
   * protocol violation (a server sending endless garbage must not fill memory). Message bodies
   * (RETR, TOP) are streamed and have no line limit.
   */
  maxLineLength?: number;
};

/** A status line: +OK, -ERR, or (only where SASL allows it) a "+ " continuation. */
export type Pop3Status = { kind: 'ok' | 'err' | 'continue'; text: string };

/** Receives a message body in order, unstuffed; a returned promise is awaited (backpressure). */
export type BodySink = (chunk: Buffer) => void | Promise<void>;

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
/** Pause the socket when this much arrived unread (the consumer is slower than the network). */
const HIGH_WATER = 256 * 1024;
/** Body bytes handed to the sink at a time. */
const BATCH = 64 * 1024;

/**
 * One POP3 connection: a socket (TLS, or plaintext upgraded by STLS), a reader that yields
 * lines and streams dot-stuffed multi-line bodies with a timeout on every read, and strict
 * command/response. Not re-entrant: one command at a time (the facade serializes).
 *
 * Any failure in the middle of a response (timeout, garbage, a sink that throws, a drop) leaves
 * the dialogue out of step, so the connection is destroyed and every later call fails with the
 * same error.
 */
export class Pop3Connection {
  readonly host: string;
  readonly port: number;
  private readonly options: Pop3ConnectionOptions;
  private readonly timeouts: Pop3Timeouts;
  private readonly maxLineLength: number;
  private plain: Socket | undefined;
  private secureSocket: TLSSocket | undefined;
  /** The socket the dialogue runs on: the TLS one once there is one. */
  private socket: Socket | undefined;
  private detach: (() => void) | undefined;
  /** Unread data: the current buffer from `pos`, then the queued chunks. */
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private paused = false;
  private waiter: { resolve: () => void; reject: (error: AppError) => void } | undefined;
  private failure: AppError | undefined;

  private constructor(options: Pop3ConnectionOptions) {
    this.options = options;
    this.host = options.host;
    this.port = options.port;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.maxLineLength = options.maxLineLength ?? 8 * 1024;
  }

  /** Connects (and for implicit TLS completes the verified handshake) within the connect timeout. */
  static async open(options: Pop3ConnectionOptions): Promise<Pop3Connection> {
    const connection = new Pop3Connection(options);
    await connection.connect();
    return connection;
  }

  /** True once the dialogue runs over verified TLS. */
  get secure(): boolean {
    return this.secureSocket !== undefined && this.socket === this.secureSocket;
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  private get where() {
    return { host: this.host, port: this.port };
  }

  private async connect(): Promise<void> {
    const { host, port } = this;
    const socket = this.options.implicitTls
      ? (this.secureSocket = tls.connect({ ...this.options.tls, host, port, servername: serverName(host) }))
      : (this.plain = net.connect({ host, port }));
    const ready = this.options.implicitTls ? 'secureConnect' : 'connect';
    await this.settle(socket, ready, 'connect');
    this.attach(socket);
  }

  /**
   * Upgrades the plaintext socket to verified TLS after the server's +OK to STLS. Anything the
   * server sent after that +OK, before the handshake, is an injection attempt (RFC 2595 §2.4 and
   * CVE-2011-0411 in other clients): refused, never read as if it came over TLS.
   */
  async upgradeToTls(): Promise<void> {
    this.throwIfFailed();
    if (!this.plain || this.secureSocket) throw new Error('upgradeToTls: not a plaintext connection');
    if (this.pos < this.buf.length || this.queue.length) {
      throw this.destroy(
        protocolError(this.where, 'plaintext-injection', 'The POP3 server sent data before the secure connection was set up, so the connection was stopped.'),
      );
    }
    this.detach?.();
    const { host } = this;
    this.plain.on('error', () => {});
    const secure = (this.secureSocket = tls.connect({ ...this.options.tls, socket: this.plain, host, servername: serverName(host) }));
    await this.settle(secure, 'secureConnect', 'connect');
    this.attach(secure);
  }

  /** Waits for `event` on a fresh socket within the connect timeout, mapping failures. */
  private settle(socket: Socket, event: 'connect' | 'secureConnect', phase: 'connect'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: AppError) => {
        clearTimeout(timer);
        socket.off(event, onReady);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (!error) return resolve();
        this.destroy(error);
        reject(error);
      };
      const onReady = () => done();
      const onError = (error: Error) => done(pop3Error(error, this.where));
      const onClose = () => done(connectionLost(this.where));
      const timer = setTimeout(() => done(timeoutError(this.where, phase)), this.timeouts.connectMs);
      socket.once(event, onReady);
      socket.once('error', onError);
      socket.once('close', onClose);
    });
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    const onData = (chunk: Buffer) => {
      this.queue.push(chunk);
      this.queued += chunk.length;
      if (this.queued > HIGH_WATER && !this.paused) {
        this.paused = true;
        socket.pause();
      }
      this.wake();
    };
    const onError = (error: Error) => this.fail(pop3Error(error, this.where));
    const onEnd = () => this.fail(connectionLost(this.where));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    this.detach = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      this.detach = undefined;
    };
  }

  // ------------------------------------------------------------------ reading --

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    if (this.queue.length) waiter.resolve();
    else if (this.failure) waiter.reject(this.failure);
  }

  /** Records the first failure; reads already buffered still complete, then fail with it. */
  private fail(error: AppError): void {
    this.failure ??= error;
    this.wake();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Waits (at most one read timeout) until a chunk is queued, and moves it into `buf`. */
  private async more(timeoutMs = this.timeouts.readMs, phase: 'read' | 'greeting' = 'read'): Promise<void> {
    if (!this.queue.length) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          reject(this.destroy(timeoutError(this.where, phase)));
        }, timeoutMs);
        this.waiter = {
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (error) => (clearTimeout(timer), reject(error)),
        };
      });
    }
    const next = this.queue.shift()!;
    this.queued -= next.length;
    if (this.paused && this.queued <= HIGH_WATER / 2) {
      this.paused = false;
      this.socket?.resume();
    }
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), next]) : next;
    this.pos = 0;
  }

  /** The next line without its CRLF (a bare LF is tolerated), at most maxLineLength octets. */
  private async readLine(timeoutMs?: number, phase?: 'read' | 'greeting'): Promise<Buffer> {
    let from = this.pos;
    for (;;) {
      const lf = this.buf.indexOf(LF, from);
      if (lf >= 0) {
        const end = lf > this.pos && this.buf[lf - 1] === CR ? lf - 1 : lf;
        if (end - this.pos > this.maxLineLength) throw this.tooLong(this.buf.subarray(this.pos, end));
        const line = this.buf.subarray(this.pos, end);
        this.pos = lf + 1;
        return line;
      }
      if (this.buf.length - this.pos > this.maxLineLength) throw this.tooLong(this.buf.subarray(this.pos));
      from = this.buf.length - this.pos;
      await this.more(timeoutMs, phase);
    }
  }

  private tooLong(line: Buffer): AppError {
    return this.destroy(
      protocolError(
        this.where,
        'line-too-long',
        `The POP3 server sent a line longer than ${this.maxLineLength} characters, so the connection was stopped.`,
        line.subarray(0, 500).toString('latin1'),
      ),
    );
  }

  /**
   * Reads one status line. "+OK" and "-ERR" are matched case-insensitively (some servers write
   * "+ok"); a "+ " continuation only where a SASL exchange expects one; anything else is garbage.
   */
  async readStatus(options: { continuation?: boolean; timeoutMs?: number; phase?: 'read' | 'greeting' } = {}): Promise<Pop3Status> {
    const line = (await this.readLine(options.timeoutMs, options.phase)).toString('utf8');
    const status = /^(\+OK|-ERR)(?:[ \t](.*))?$/is.exec(line);
    if (status) return { kind: status[1]!.toUpperCase() === '+OK' ? 'ok' : 'err', text: (status[2] ?? '').trim() };
    if (options.continuation && /^\+(?: |$)/.test(line)) return { kind: 'continue', text: line.slice(2) };
    throw this.destroy(
      protocolError(this.where, 'protocol-violation', 'The POP3 server sent a reply the app does not understand, so the connection was stopped.', line),
    );
  }

  /** The server's first line, within the greeting timeout. */
  readGreeting(): Promise<Pop3Status> {
    return this.readStatus({ timeoutMs: this.timeouts.greetingMs, phase: 'greeting' });
  }

  /**
   * The lines of a multi-line response up to the lone ".", dot-unstuffed (for CAPA, LIST, UIDL:
   * small, line-oriented answers; each line within maxLineLength).
   */
  async readLines(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      if (line.length === 1 && line[0] === DOT) return lines;
      lines.push((line[0] === DOT ? line.subarray(1) : line).toString('utf8'));
    }
  }

  /**
   * Streams a multi-line body (RETR, TOP) to `sink`: bytes exactly as sent, CRLF kept, the
   * stuffed "." at the start of a line removed (RFC 1939 §3), up to and without the final
   * ".CRLF". Memory stays bounded: at most the socket's high-water mark plus one batch; a slow
   * sink pauses the socket. Returns the number of bytes given to the sink; more than `maxBytes`
   * fails with 'response-too-large'.
   */
  async readBody(sink: BodySink, maxBytes = Number.POSITIVE_INFINITY): Promise<number> {
    let total = 0;
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = async () => {
      if (!batched) return;
      const chunk = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batched);
      batch = [];
      batched = 0;
      try {
        await sink(chunk);
      } catch (error) {
        // The rest of the body is still on the wire: the dialogue cannot go on.
        this.destroy(pop3Error(error, this.where));
        throw error;
      }
    };
    const emit = (segment: Buffer) => {
      total += segment.length;
      if (total > maxBytes) {
        throw this.destroy(
          protocolError(this.where, 'response-too-large', `The POP3 server sent more than ${maxBytes} bytes for a response the app expected to be small.`),
        );
      }
      batch.push(segment);
      batched += segment.length;
    };
    /** At least `n` unread bytes in `buf` (flushing first, so nothing waits in the batch). */
    const need = async (n: number) => {
      while (this.buf.length - this.pos < n) {
        await flush();
        await this.more();
      }
    };
    let lineStart = true;
    for (;;) {
      // Awaits only where data is missing or a batch is full: this loop runs once per line.
      if (this.pos >= this.buf.length) await need(1);
      if (lineStart) {
        if (this.buf[this.pos] === DOT) {
          if (this.buf.length - this.pos < 3) await need(2);
          const second = this.buf[this.pos + 1];
          if (second === LF) {
            this.pos += 2;
            break;
          }
          if (second === CR) {
            if (this.buf.length - this.pos < 3) await need(3);
            if (this.buf[this.pos + 2] === LF) {
              this.pos += 3;
              break;
            }
          }
          this.pos += 1; // the stuffed dot
          if (this.pos >= this.buf.length) await need(1);
        }
        lineStart = false;
      }
      const lf = this.buf.indexOf(LF, this.pos);
      const end = lf >= 0 ? lf + 1 : this.buf.length;
      emit(this.buf.subarray(this.pos, end));
      this.pos = end;
      if (lf >= 0) lineStart = true;
      if (batched >= BATCH) await flush();
    }
    await flush();
    return total;
  }

  // ------------------------------------------------------------------ writing --

  /** Sends one command line. `line` must not contain CR or LF (checked by the commands). */
  send(line: string): void {
    this.throwIfFailed();
    if (/[\r\n]/.test(line)) throw new Error('a POP3 command line must not contain CR or LF');
    this.socket!.write(line + '\r\n');
  }

  /** Sends several command lines in one write (pipelining, RFC 2449 §6.6). */
  sendAll(lines: readonly string[]): void {
    this.throwIfFailed();
    if (lines.some((line) => /[\r\n]/.test(line))) throw new Error('a POP3 command line must not contain CR or LF');
    this.socket!.write(lines.map((line) => line + '\r\n').join(''));
  }

  /** Sends a command and reads its status line, +OK or -ERR, without judging it. */
  async exchange(line: string, options: { continuation?: boolean } = {}): Promise<Pop3Status> {
    this.send(line);
    return this.readStatus(options);
  }

  /**
   * Sends a command and returns the text after +OK; a -ERR becomes SERVER_ERROR with the
   * server's text. `label` names the command in errors (never a secret argument).
   */
  async command(line: string, label = line.split(' ')[0]!.toUpperCase()): Promise<string> {
    const status = await this.exchange(line);
    if (status.kind === 'err') throw errReply(this.where, label, status.text);
    return status.text;
  }

  /** A protocol violation in a reply the commands parse (e.g. a LIST line without a size). */
  violation(message: string, serverText: string): AppError {
    return this.destroy(protocolError(this.where, 'protocol-violation', message, quoted(serverText)));
  }

  // ----------------------------------------------------------------- closing --

  /**
   * Drops the connection at once (no QUIT: nothing DELEted in this session is removed). The TLS
   * socket goes first: destroying the plaintext socket under a live TLS socket crashes Node
   * 20.20 (SIGSEGV), see net/peer-certificate.ts. Returns `error` for `throw this.destroy(...)`.
   */
  destroy<E extends AppError>(error?: E): E {
    const reason = error ?? connectionLost(this.where);
    this.fail(reason);
    this.detach?.();
    for (const socket of [this.secureSocket, this.plain]) {
      if (!socket) continue;
      socket.on('error', () => {});
      socket.destroy();
    }
    this.queue.length = 0;
    this.queued = 0;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    return error as E;
  }
}

/** SNI takes a name only; with an IP address Node checks the certificate's IP entries. */
function serverName(host: string): string | undefined {
  return net.isIP(host) ? undefined : host;
}
