import type { BodySink, Pop3Connection } from '../pop3-connection.js';
import { errReply, pop3Error } from '../pop3-errors.js';
import { messageNumber } from './message-number.js';

/** Where one message of retrEach goes, and what to do once it is whole. */
export type RetrTarget = { sink: BodySink; end: (size: number) => void | Promise<void> };

/**
 * RETR for many messages, in order, with up to `window` commands sent ahead of the answers
 * (RFC 2449 PIPELINING; a window of 1 is plain RFC 1939, one command after another). Sending
 * ahead lets the server work on the next message while this one is written: without it every
 * message costs a round trip in which both sides wait.
 *
 * Each answer is streamed to the sink `open(n)` gives, then `end(size)` runs before the next
 * answer is read. Any failure leaves answers on the wire that nobody will read, so it ends the
 * connection (a -ERR too, unlike a single RETR).
 */
export async function retrEach(connection: Pop3Connection, numbers: readonly number[], window: number, open: (n: number) => RetrTarget): Promise<void> {
  const lines = numbers.map((n) => `RETR ${messageNumber(n)}`);
  const most = Math.max(1, window);
  let sent = 0;
  let answered = 0;
  // Refilled half a window at a time, in one write: fewer system calls and TLS records than a
  // write per command, and the server never runs dry.
  const refill = () => {
    if (sent - answered > most / 2 || sent >= lines.length) return;
    const next = lines.slice(sent, answered + most);
    sent += next.length;
    connection.sendAll(next);
  };
  try {
    refill();
    for (const n of numbers) {
      const status = await connection.readStatus();
      if (status.kind === 'err') throw errReply({ host: connection.host, port: connection.port }, 'RETR', status.text);
      answered++;
      refill();
      const { sink, end } = open(n);
      const size = await connection.readBody(sink);
      await end(size);
    }
  } catch (error) {
    if (sent > 0) connection.destroy(pop3Error(error, { host: connection.host, port: connection.port }));
    throw error;
  }
}
