import { startScriptedServer, type FakeAnswer, type FakeSession, type ScriptedServer } from '../../support/fake-line-server.js';

export type { FakeAnswer, FakeSession };
/** A scripted POP3 server (see test/support/fake-line-server.ts). */
export type FakePop3 = ScriptedServer;
export const startFakePop3 = startScriptedServer;

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
