import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A plaintext line server that answers from a script and records every line the client sent.
 * For what a real server will not do on demand (leave out STARTTLS, say odd things), and so
 * tests can assert the exact command log.
 */
export type LineServer = {
  port: number;
  /** Every line received from clients, in order, without CRLF. */
  received: string[];
  close(): Promise<void>;
};

export async function startLineServer(
  greeting: string,
  answer: (line: string, socket: Socket) => string | undefined,
): Promise<LineServer> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(greeting + '\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        received.push(line);
        const reply = answer(line, socket);
        if (reply !== undefined) socket.write(reply + '\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
