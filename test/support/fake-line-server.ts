import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A scripted plaintext line server (POP3, SMTP) for what a real server will not do on demand:
 * leave out STLS or STARTTLS, say -ERR to PASS, send garbage, stall, drop mid-message. Records
 * every line and every byte it got, so a test can prove what the client did (and did not) send.
 */
export type FakeSession = {
  socket: Socket;
  /** Writes text as is (add the CRLF yourself). */
  write(text: string | Buffer): void;
};

export type FakeAnswer = string | undefined | void;

export type ScriptedServer = {
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

export async function startScriptedServer(options: {
  /** The greeting line (CRLF added); null sends nothing at all. */
  greeting?: string | null;
  /** A reply line for a command (CRLF added), or undefined to answer through `session` (or never). */
  answer: (line: string, session: FakeSession) => FakeAnswer;
}): Promise<ScriptedServer> {
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


/** The command log of a scripted server (see startScriptedServer). */
export type LineServer = Pick<ScriptedServer, 'port' | 'received' | 'close'>;

/** A scripted server that greets with `greeting` and answers each line with `answer`'s line. */
export function startLineServer(greeting: string, answer: (line: string, socket: Socket) => string | undefined): Promise<LineServer> {
  return startScriptedServer({ greeting, answer: (line, session) => answer(line, session.socket) });
}
