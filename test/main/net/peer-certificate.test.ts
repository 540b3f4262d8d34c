import { afterEach, describe, expect, it } from 'vitest';
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { probePeerCertificate } from '../../../main/net/peer-certificate.js';
import { AppError } from '../../../shared/errors.js';
import { selfSignedCertificate } from '../../support/certificates.js';

/**
 * The probe that reads a server's certificate after a TLS_UNTRUSTED connects with verification
 * off, so it must say nothing but what it takes to reach the handshake, and nothing after it.
 */
const cert = selfSignedCertificate('probe.example.test');

type Recorded = { plain: string[]; secured: string; port: number };
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A line server that upgrades to TLS when `upgradeOn` returns a reply, recording both sides. */
async function startStartTlsServer(greeting: string, answer: (line: string) => { reply: string; upgrade?: boolean } | undefined) {
  const recorded: Recorded = { plain: [], secured: '', port: 0 };
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.write(greeting + '\r\n');
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        recorded.plain.push(line);
        const step = answer(line);
        if (!step) continue;
        socket.write(step.reply + '\r\n');
        if (step.upgrade) {
          socket.off('data', onData);
          const secure = new tls.TLSSocket(socket, { isServer: true, key: cert.key, cert: cert.cert });
          secure.on('error', () => {});
          secure.on('data', (c: Buffer) => (recorded.secured += c.toString('latin1')));
          return;
        }
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  recorded.port = (server.address() as AddressInfo).port;
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return recorded;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('the certificate probe', () => {
  it('SMTP STARTTLS: says EHLO and STARTTLS, reads the certificate, and sends nothing over TLS', async () => {
    const server = await startStartTlsServer('220 fake.test ESMTP', (line) => {
      if (line.startsWith('EHLO')) return { reply: '250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS' };
      if (line === 'STARTTLS') return { reply: '220 go ahead', upgrade: true };
      return { reply: '500 no' };
    });
    const seen = await probePeerCertificate({ protocol: 'smtp', host: '127.0.0.1', port: server.port, security: 'starttls', clientName: 'example.test' });
    expect(seen).toMatchObject({ fingerprint256: cert.fingerprint256, subject: cert.subject, issuer: cert.issuer, reason: 'self-signed' });
    expect(seen.pem).toBe(cert.cert);
    await settle();
    expect(server.plain).toEqual(['EHLO example.test', 'STARTTLS']);
    expect(server.secured).toBe('');
  });

  it('IMAP STARTTLS: says STARTTLS only, and nothing over TLS', async () => {
    const server = await startStartTlsServer('* OK [CAPABILITY IMAP4rev1 STARTTLS] ready', (line) => {
      if (line === 'A1 STARTTLS') return { reply: 'A1 OK Begin TLS negotiation now', upgrade: true };
      return { reply: `${line.split(' ')[0]} BAD no` };
    });
    const seen = await probePeerCertificate({ protocol: 'imap', host: '127.0.0.1', port: server.port, security: 'starttls' });
    expect(seen.fingerprint256).toBe(cert.fingerprint256);
    await settle();
    expect(server.plain).toEqual(['A1 STARTTLS']);
    expect(server.secured).toBe('');
  });

  it('implicit TLS: reads the certificate and closes without a byte of its own', async () => {
    let secured = '';
    const server = tls.createServer({ key: cert.key, cert: cert.cert }, (socket) => {
      socket.on('error', () => {});
      socket.on('data', (c: Buffer) => (secured += c.toString('latin1')));
      socket.write('220 fake.test ESMTP\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const seen = await probePeerCertificate({ protocol: 'smtp', host: '127.0.0.1', port, security: 'tls' });
    expect(seen).toMatchObject({ fingerprint256: cert.fingerprint256, reason: 'self-signed' });
    await settle();
    expect(secured).toBe('');
  });

  it('gives TLS_REQUIRED with the server’s words when STARTTLS is refused', async () => {
    const server = await startStartTlsServer('220 fake.test ESMTP', (line) => {
      if (line.startsWith('EHLO')) return { reply: '250 fake.test' };
      return { reply: '502 5.5.1 STARTTLS not available' };
    });
    const error = await probePeerCertificate({ protocol: 'smtp', host: '127.0.0.1', port: server.port, security: 'starttls' }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'TLS_REQUIRED', serverReply: '502 5.5.1 STARTTLS not available' });
  });

  it('gives up with TIMEOUT on a server that never answers', async () => {
    const server = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    for (const security of ['tls', 'starttls'] as const) {
      const error = await probePeerCertificate({ protocol: 'smtp', host: '127.0.0.1', port, security }, 300).catch((e) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT' });
    }
  });
});
