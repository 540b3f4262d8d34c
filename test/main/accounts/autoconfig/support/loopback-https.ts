import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TestCertificate } from '../../../../support/certificates.js';

/**
 * What one URL answers: a body (200 unless `status`), after `delayMs`, or once `until` settles
 * (a test that holds the answer to look at what waits for it); `hang` never answers.
 */
export type Page = { status?: number; body?: string; delayMs?: number; until?: Promise<unknown>; hang?: boolean; headers?: Record<string, string> };

export type LoopbackHttps = {
  address: string;
  port: number;
  /** Keyed by "host/path", e.g. "autoconfig.example.test/mail/config-v1.1.xml". */
  pages: Map<string, Page>;
  /** Every request, as "host/path" (the Host header without its port). */
  requests: string[];
  close(): Promise<void>;
};

/**
 * An HTTPS server on a loopback address, with a certificate from the test's CA, that answers
 * by host name and path: one listener stands for every web server discovery asks (the
 * provider's autoconfig host, its .well-known, the ISPDB), DNS pointing all their names here.
 */
export async function startLoopbackHttps(address: string, certificate: TestCertificate, port = 443): Promise<LoopbackHttps> {
  const pages = new Map<string, Page>();
  const requests: string[] = [];
  const sockets = new Set<TLSSocket>();
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const key = `${host}${request.url ?? '/'}`;
    requests.push(key);
    const page = pages.get(key);
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    if (page.hang) return;
    const answer = () => {
      response.writeHead(page.status ?? 200, { 'content-type': 'application/xml', ...page.headers });
      response.end(page.body ?? '');
    };
    if (page.until) void page.until.then(answer, answer);
    else setTimeout(answer, page.delayMs ?? 0);
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return {
    address,
    port: (server.address() as AddressInfo).port,
    pages,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
