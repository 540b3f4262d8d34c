import { X509Certificate } from 'node:crypto';
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { AppError } from '../../shared/errors.js';
import { networkError, trustFailureReason, type TrustFailureReason } from './network-errors.js';

/** A server whose certificate we want to see, and how its TLS starts. */
export type ProbeTarget = {
  protocol: 'smtp' | 'imap' | 'pop3';
  host: string;
  port: number;
  security: 'tls' | 'starttls';
  /** The EHLO name for SMTP (the sender's domain, as the real connection uses). */
  clientName?: string;
};

/** The facts of a server's certificate a person needs to decide whether to trust it. */
export type PeerCertificateInfo = {
  /** SHA-256 over the DER, in Node's notation (upper-case hex, colon-separated). */
  fingerprint256: string;
  /** Distinguished names, one "KEY=value" per attribute, joined by ", ". */
  subject: string;
  issuer: string;
  subjectAltName: string;
  validFrom: string;
  validTo: string;
  pem: string;
  /** Why the default verification (no pin) refuses it; undefined when it would accept it. */
  reason: TrustFailureReason | undefined;
};

/**
 * Reads the certificate a mail server presents.
 *
 * Why a second connection, with verification off: when verification fails, Node destroys the
 * socket and its error does not carry the peer's certificate, so the facts a person needs to
 * decide (fingerprint, subject, issuer) are gone with it. This probe connects once more only to
 * read the certificate. It says no more than it must to get there (for STARTTLS: SMTP EHLO and
 * STARTTLS, IMAP STARTTLS, or POP3 STLS), completes the handshake, sends nothing over the unverified channel
 * (no AUTH, no credentials, no mail, not even QUIT) and closes at once. What it reads is shown,
 * never trusted by itself: only a pin the person approves makes a certificate trusted.
 */
export async function probePeerCertificate(target: ProbeTarget, timeoutMs = 15_000): Promise<PeerCertificateInfo> {
  const { host, port } = target;
  const sockets: Socket[] = [];
  const track = <S extends Socket>(socket: S): S => (sockets.push(socket), socket);
  // The TLS socket first: it ends the plain one under it. Destroying the plain socket under a
  // live TLS socket first crashes Node 20.20 (SIGSEGV), as this probe's own tests found.
  const destroyAll = (error?: Error) => {
    for (const socket of [...sockets].reverse()) {
      socket.on('error', () => {});
      socket.destroy(error);
    }
  };
  const timer = setTimeout(() => {
    destroyAll(Object.assign(new Error('The server did not complete the TLS handshake in time.'), { code: 'ETIMEDOUT' }));
  }, timeoutMs);
  try {
    let plain: Socket | undefined;
    if (target.security === 'starttls') {
      plain = await connectPlain(host, port, track);
      const lines = lineReader(plain);
      if (target.protocol === 'smtp') await smtpStartTls(plain, lines, target.clientName ?? 'localhost');
      else if (target.protocol === 'pop3') await pop3Stls(plain, lines);
      else await imapStartTls(plain, lines);
      lines.stop();
    }
    return describe(await handshake(target, plain, track));
  } catch (error) {
    if (error instanceof AppError) throw withPlace(error, host, port);
    throw (
      networkError(error, host, port) ??
      new AppError('CONNECTION_LOST', {
        message: `Could not read the certificate of ${host}:${port}. Try again.`,
        details: { host, port: String(port) },
        cause: error,
      })
    );
  } finally {
    clearTimeout(timer);
    destroyAll();
  }
}

function withPlace(error: AppError, host: string, port: number): AppError {
  if (error.details) return error;
  return new AppError(error.code, {
    message: error.message,
    serverReply: error.serverReply,
    details: { host, port: String(port) },
    cause: error.cause,
  });
}

function describe(socket: TLSSocket): PeerCertificateInfo {
  const peer = socket.getPeerCertificate(true);
  if (!peer?.raw) throw new AppError('TLS_UNTRUSTED', { message: 'The server presented no certificate.' });
  const x509 = new X509Certificate(peer.raw);
  const authorizationError = socket.authorizationError as unknown as string | Error | null;
  const code = typeof authorizationError === 'string' ? authorizationError : authorizationError?.message;
  return {
    fingerprint256: x509.fingerprint256,
    subject: distinguishedName(x509.subject),
    issuer: distinguishedName(x509.issuer),
    subjectAltName: x509.subjectAltName ?? '',
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    pem: x509.toString(),
    reason: socket.authorized ? undefined : (trustFailureReason(code) ?? 'untrusted'),
  };
}

export function distinguishedName(lines: string): string {
  return lines.split('\n').filter(Boolean).join(', ');
}

function connectPlain(host: string, port: number, track: <S extends Socket>(s: S) => S): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = track(net.connect({ host, port }));
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function handshake(
  target: ProbeTarget,
  socket: Socket | undefined,
  track: <S extends Socket>(s: S) => S,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = track(tls.connect({
      ...(socket ? { socket } : { port: target.port }),
      host: target.host,
      servername: net.isIP(target.host) ? undefined : target.host,
      minVersion: 'TLSv1.2',
      // Only to read the certificate: see probePeerCertificate. Nothing is sent on this socket.
      rejectUnauthorized: false,
    }));
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      resolve(secure);
    });
    secure.once('error', reject);
    socket?.once('error', reject);
  });
}

type LineReader = { next(): Promise<string>; stop(): void };

/** Reads CRLF lines off the plaintext socket until the TLS upgrade. */
function lineReader(socket: Socket): LineReader {
  let buffer = '';
  const lines: string[] = [];
  let waiting: { resolve: (line: string) => void; reject: (error: unknown) => void } | undefined;
  let failure: unknown;
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    if (buffer.length > 64 * 1024) return fail(new AppError('SERVER_ERROR', { message: 'The server sent an overlong line.' }));
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, index).replace(/\r$/, ''));
      buffer = buffer.slice(index + 1);
    }
    flush();
  };
  const fail = (error: unknown) => {
    failure = error;
    flush();
  };
  const onEnd = () => fail(Object.assign(new Error('The server closed the connection.'), { code: 'ECONNRESET' }));
  const flush = () => {
    if (!waiting) return;
    if (lines.length) {
      const w = waiting;
      waiting = undefined;
      w.resolve(lines.shift()!);
    } else if (failure) {
      const w = waiting;
      waiting = undefined;
      w.reject(failure);
    }
  };
  socket.on('data', onData);
  socket.on('error', fail);
  socket.on('end', onEnd);
  return {
    next: () =>
      new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        flush();
      }),
    stop: () => {
      socket.off('data', onData);
      socket.off('error', fail);
      socket.off('end', onEnd);
    },
  };
}

/** Reads one SMTP reply (all its lines) and returns its code and text. */
async function smtpReply(lines: LineReader): Promise<{ code: number; text: string }> {
  const text: string[] = [];
  for (;;) {
    const line = await lines.next();
    text.push(line);
    if (!/^\d{3}-/.test(line)) return { code: Number(line.slice(0, 3)) || 0, text: text.join('\n') };
  }
}

async function smtpStartTls(socket: Socket, lines: LineReader, clientName: string): Promise<void> {
  const greeting = await smtpReply(lines);
  if (greeting.code !== 220) throw starttlsRefused(greeting.text);
  socket.write(`EHLO ${clientName}\r\n`);
  const ehlo = await smtpReply(lines);
  if (ehlo.code !== 250) throw starttlsRefused(ehlo.text);
  socket.write('STARTTLS\r\n');
  const ready = await smtpReply(lines);
  if (ready.code !== 220) throw starttlsRefused(ready.text);
}

async function pop3Stls(socket: Socket, lines: LineReader): Promise<void> {
  const greeting = await lines.next();
  if (!/^\+OK\b/i.test(greeting)) throw starttlsRefused(greeting);
  socket.write('STLS\r\n');
  const ready = await lines.next();
  if (!/^\+OK\b/i.test(ready)) throw starttlsRefused(ready);
}

async function imapStartTls(socket: Socket, lines: LineReader): Promise<void> {
  const greeting = await lines.next();
  if (!/^\* OK\b/i.test(greeting)) throw starttlsRefused(greeting);
  socket.write('A1 STARTTLS\r\n');
  for (;;) {
    const line = await lines.next();
    if (line.startsWith('* ')) continue;
    if (/^A1 OK\b/i.test(line)) return;
    throw starttlsRefused(line);
  }
}

function starttlsRefused(serverReply: string): AppError {
  return new AppError('TLS_REQUIRED', { serverReply });
}
