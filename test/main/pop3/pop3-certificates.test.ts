import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client, type Pop3Settings } from '../../../main/pop3/pop3-client.js';
import { AppError } from '../../../shared/errors.js';
import { selfSignedCertificate, type TestCertificate } from '../../support/certificates.js';

/*
 * Certificates are verified as for SMTP and IMAP (net/tls-options.ts): a self-signed server is
 * refused before anything is sent, on 995 and after STLS, and a certificate pinned for that
 * host is accepted. The server here speaks implicit TLS or STLS and records what it read.
 */

const PASSWORD = 'Pa55-cert-41c2';
let certificate: TestCertificate;
let server: Server;
let port: number;
const received: string[] = [];
const sockets = new Set<Socket>();

function serve(socket: Socket, implicit: boolean): void {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
  let stream: Socket = socket;
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let index: number;
    while ((index = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      received.push(line);
      if (line === 'CAPA') stream.write('+OK\r\nUSER\r\nUIDL\r\n' + (stream === socket && !implicit ? 'STLS\r\n' : '') + '.\r\n');
      else if (line === 'STLS') {
        stream.write('+OK begin TLS\r\n');
        socket.off('data', onData);
        stream = new tls.TLSSocket(socket, { isServer: true, key: certificate.key, cert: certificate.cert });
        stream.on('error', () => {});
        stream.on('data', onData);
      } else if (line === 'QUIT') stream.end('+OK bye\r\n');
      else stream.write('+OK\r\n');
    }
  };
  stream.on('data', onData);
  stream.write('+OK ready\r\n');
}

beforeAll(async () => {
  certificate = selfSignedCertificate('pop.example.test', { sans: 'DNS:pop.example.test,IP:127.0.0.1', leaf: true });
  // One port: the first byte tells a TLS ClientHello (0x16) from a plaintext client, who waits.
  server = createServer((socket) => {
    socket.on('error', () => {});
    const onReadable = () => {
      const first = socket.read(1) as Buffer | null;
      if (!first) return;
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.unshift(first);
      if (first[0] === 0x16) {
        const secure = new tls.TLSSocket(socket, { isServer: true, key: certificate.key, cert: certificate.cert });
        secure.on('error', () => {});
        serve(secure, true);
      }
    };
    const timer = setTimeout(() => {
      socket.off('readable', onReadable);
      serve(socket, false);
      socket.resume();
    }, 100);
    socket.on('readable', onReadable);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function settings(security: 'tls' | 'starttls', pinned: boolean): Pop3Settings {
  return {
    host: '127.0.0.1',
    port,
    security,
    pinnedCertificate: pinned ? { host: '127.0.0.1', fingerprint256: certificate.fingerprint256, pem: certificate.cert } : undefined,
  };
}

describe('certificates', () => {
  for (const security of ['tls', 'starttls'] as const) {
    it(`refuses a self-signed certificate (${security}) before any credential, and accepts it when pinned`, async () => {
      received.length = 0;
      const credentials = { user: 'dana@example.test', password: PASSWORD };
      const error = await Pop3Client.connect(settings(security, false), credentials, { timeouts: { readMs: 2_000 } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('TLS_UNTRUSTED');
      expect((error as AppError).details?.reason).toBe('self-signed');
      // With the certificate's facts for the person to judge, read by a second look at the
      // server that sends nothing but what STLS needs (and no credential either time).
      expect((error as AppError).details?.fingerprint256).toBe(certificate.fingerprint256);
      expect(received).toEqual(security === 'tls' ? [] : ['CAPA', 'STLS', 'STLS']);

      received.length = 0;
      const client = await Pop3Client.connect(settings(security, true), credentials, { timeouts: { readMs: 2_000 } });
      expect(client.secure).toBe(true);
      await client.quit();
      expect(received).toEqual([...(security === 'tls' ? [] : ['CAPA', 'STLS']), 'CAPA', 'USER dana@example.test', `PASS ${PASSWORD}`, 'CAPA', 'QUIT']);
    });
  }
});
