import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { AppError } from '../../../shared/errors.js';
import { networkError, trustFailureReason } from '../../net/network-errors.js';
import { verifiedTlsOptions } from '../../net/tls-options.js';

export type ProbeRequest = {
  protocol: 'imap' | 'pop3' | 'smtp';
  /** The name the certificate must carry. */
  host: string;
  /** Where to connect: the host's address, resolved through discovery's DNS. */
  address: string;
  port: number;
  security: 'tls' | 'starttls';
  timeoutMs: number;
  signal?: AbortSignal;
  /** The EHLO name (the address's domain, never this machine's name). */
  clientName: string;
};

/** 'untrusted': the server speaks TLS, but its certificate would be refused (verify says why). */
export type ProbeAnswer = { certificate: 'trusted' | 'untrusted' | 'not-checked' };

const GREETING: Record<ProbeRequest['protocol'], RegExp> = { imap: /^\* (OK|PREAUTH)\b/i, pop3: /^\+OK\b/i, smtp: /^220[ -]/ };

/**
 * Is there a mail server of this protocol at host:port that offers TLS? Reads the greeting; on
 * a STARTTLS port also asks for the capabilities and requires STARTTLS (STLS) among them, since
 * a server that offers no encryption is no candidate. Nothing but greetings, capability
 * questions and a goodbye is sent: no credentials. Throws a typed error when the answer is no.
 */
export async function probeMailPort(request: ProbeRequest): Promise<ProbeAnswer> {
  const { host, port, address } = request;
  let socket: Socket | undefined;
  const stop = (error: Error) => socket?.destroy(error);
  const timer = setTimeout(() => stop(Object.assign(new Error(`${host}:${port} did not answer in time.`), { code: 'ETIMEDOUT' })), request.timeoutMs);
  const onAbort = () => stop(Object.assign(new Error('Discovery is over.'), { code: 'ECONNABORTED' }));
  request.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (request.signal?.aborted) throw new AppError('TIMEOUT', { message: 'Discovery is over.' });
    if (request.security === 'tls') {
      const secure = tls.connect({ ...verifiedTlsOptions(host), host: address, port, servername: net.isIP(host) ? undefined : host });
      socket = secure;
      try {
        await once(secure, 'secureConnect');
      } catch (error) {
        // A TLS server whose certificate we would refuse is still a server: verify shows the certificate.
        if (trustFailureReason(codeOf(error))) return { certificate: 'untrusted' };
        throw error;
      }
      const lines = lineReader(secure);
      await expectGreeting(request, lines);
      return { certificate: 'trusted' };
    }
    socket = net.connect({ host: address, port });
    await once(socket, 'connect');
    const lines = lineReader(socket);
    await expectGreeting(request, lines);
    if (!(await offersStartTls(request, socket, lines))) {
      throw new AppError('TLS_REQUIRED', {
        message: `${host}:${port} offers no secure connection (STARTTLS), so it is not suggested.`,
        details: { host, port: String(port) },
      });
    }
    return { certificate: 'not-checked' };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw networkError(error, host, port) ?? new AppError('CONNECTION_LOST', { details: { host, port: String(port) }, cause: error });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
    socket?.on('error', () => {});
    socket?.destroy();
  }
}

async function expectGreeting(request: ProbeRequest, lines: LineReader): Promise<void> {
  let greeting = await lines.next();
  // An SMTP greeting may span lines ("220-...", then "220 ...").
  while (request.protocol === 'smtp' && /^220-/.test(greeting)) greeting = await lines.next();
  if (!GREETING[request.protocol].test(greeting)) {
    throw new AppError('SERVER_ERROR', {
      message: `${request.host}:${request.port} is not a ${request.protocol.toUpperCase()} server.`,
      serverReply: greeting.slice(0, 500),
      details: { host: request.host, port: String(request.port) },
    });
  }
  lines.greeting = greeting;
}

async function offersStartTls(request: ProbeRequest, socket: Socket, lines: LineReader): Promise<boolean> {
  if (request.protocol === 'imap') {
    if (/\[CAPABILITY [^\]]*\bSTARTTLS\b/i.test(lines.greeting)) return true;
    socket.write('A1 CAPABILITY\r\n');
    let offered = false;
    for (let line = await lines.next(); !/^A1 /i.test(line); line = await lines.next()) {
      if (/^\* CAPABILITY\b.*\bSTARTTLS\b/i.test(line)) offered = true;
    }
    socket.write('A2 LOGOUT\r\n');
    return offered;
  }
  if (request.protocol === 'pop3') {
    socket.write('CAPA\r\n');
    if (!/^\+OK/i.test(await lines.next())) return false;
    let offered = false;
    for (let line = await lines.next(); line !== '.'; line = await lines.next()) if (/^STLS\b/i.test(line)) offered = true;
    socket.write('QUIT\r\n');
    return offered;
  }
  socket.write(`EHLO ${request.clientName}\r\n`);
  let offered = false;
  for (;;) {
    const line = await lines.next();
    if (!/^250[ -]/.test(line)) return false;
    if (/^250[ -]STARTTLS\b/i.test(line)) offered = true;
    if (/^250 /.test(line)) break;
  }
  socket.write('QUIT\r\n');
  return offered;
}

type LineReader = { next(): Promise<string>; greeting: string };

/** CRLF lines off a socket; a line over 8 KB, a close or an error ends the probe. */
function lineReader(socket: Socket): LineReader {
  let buffer = '';
  const lines: string[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, index).replace(/\r$/, ''));
      buffer = buffer.slice(index + 1);
    }
    if (buffer.length > 8192) failure = new AppError('SERVER_ERROR', { message: 'The server sent an overlong line.' });
    notify();
  });
  const end = (error?: Error) => {
    failure ??= error ?? Object.assign(new Error('The server closed the connection.'), { code: 'ECONNRESET' });
    notify();
  };
  socket.on('error', end);
  socket.on('close', () => end());
  return {
    greeting: '',
    async next() {
      while (lines.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return lines.shift()!;
    },
  };
}

function once(socket: Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    socket.once('error', onError);
    socket.once(event, () => {
      socket.off('error', onError);
      resolve();
    });
    socket.once('close', () => reject(Object.assign(new Error('The server closed the connection.'), { code: 'ECONNRESET' })));
  });
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error && 'code' in error ? String(error.code) : undefined;
}
