import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A scripted plaintext POP3 server for what Dovecot will not do on demand: leave out STLS, say
 * -ERR to PASS, send garbage, stall, drop mid-message. Records every line and every byte it got,
 * so a test can prove what the client did (and did not) send.
 */
export type FakeSession = {
  socket: Socket;
  /** Writes text as is (add the CRLF yourself). */
  write(text: string | Buffer): void;
};

export type FakeAnswer = string | undefined | void;

export type FakePop3 = {
  host: string;
  port: number;
  /** Every line received, without CRLF, in order, across connections. */
  received: string[];
  /** Everything received, as latin1 text. */
  raw(): string;
  /** What each read from a socket brought, as latin1 text (shows what the client sent in one write). */
  chunks(): string[];
  close(): Promise<void>;
};

export async function startFakePop3(options: {
  /** The greeting line (CRLF added); null sends nothing at all. */
  greeting?: string | null;
  /** A reply line for a command (CRLF added), or undefined to answer through `session` (or never). */
  answer: (line: string, session: FakeSession) => FakeAnswer;
}): Promise<FakePop3> {
  const received: string[] = [];
  const bytes: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const session: FakeSession = { socket, write: (text) => void (socket.writable && socket.write(text)) };
    const greeting = options.greeting === undefined ? '+OK fake POP3 ready' : options.greeting;
    if (greeting !== null) socket.write(greeting + '\r\n');
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      bytes.push(chunk);
      buffer += chunk.toString('latin1');
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        received.push(line);
        const reply = options.answer(line, session);
        if (typeof reply === 'string') session.write(reply + '\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    received,
    raw: () => Buffer.concat(bytes).toString('latin1'),
    chunks: () => bytes.map((b) => b.toString('latin1')),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The replies of an ordinary server for what a test does not script itself: CAPA (with the
 * given lines), USER/PASS accepting anything, STAT, NOOP, QUIT; -ERR for the rest.
 */
export function ordinary(capabilities: string[] | null = ['TOP', 'UIDL', 'USER']) {
  return (line: string, session: FakeSession): FakeAnswer => {
    const command = line.split(' ')[0]!.toUpperCase();
    switch (command) {
      case 'CAPA':
        if (!capabilities) return '-ERR unknown command';
        session.write(['+OK capabilities follow', ...capabilities, '.'].join('\r\n') + '\r\n');
        return undefined;
      case 'USER':
        return '+OK send PASS';
      case 'PASS':
        return '+OK logged in';
      case 'STAT':
        return '+OK 0 0';
      case 'NOOP':
        return '+OK';
      case 'QUIT':
        session.write('+OK bye\r\n');
        session.socket.end();
        return undefined;
      default:
        return '-ERR unknown command';
    }
  };
}
