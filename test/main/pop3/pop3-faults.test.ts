import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { apopDigest } from '../../../main/pop3/commands/apop.js';
import { xoauth2Response } from '../../../main/pop3/commands/auth-xoauth2.js';
import { Pop3Client, type Pop3ClientOptions, type Pop3Credentials, type Pop3Settings } from '../../../main/pop3/pop3-client.js';
import { isPop3Failure, isUidlUnsupported } from '../../../main/pop3/pop3-errors.js';
import { ordinary, startFakePop3, type FakeAnswer, type FakePop3, type FakeSession } from './fake-pop3-server.js';
import { failure } from '../../support/app-error.js';

/*
 * The POP3 client against scripted servers: what a real server will not do on demand. The
 * password is unique, so "it never went out" is a search through every byte the server got.
 */

const PASSWORD = 'Pa55-fake-7d3e9';
const CREDENTIALS: Pop3Credentials = { user: 'dana@example.test', password: PASSWORD };
const FAST: Pop3ClientOptions = { timeouts: { connectMs: 2_000, greetingMs: 2_000, readMs: 2_000 } };

const servers: FakePop3[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(answer: (line: string, session: FakeSession) => FakeAnswer, greeting?: string | null): Promise<FakePop3> {
  const server = await startFakePop3({ answer, greeting });
  servers.push(server);
  return server;
}

function settings(server: FakePop3, extra: Partial<Pop3Settings> = {}): Pop3Settings {
  return { host: server.host, port: server.port, security: 'none', ...extra };
}

/** A server with one message whose RETR/TOP body the test gives, as chunks written with pauses. */
function withMessage(pieces: (string | Buffer)[], options: { dropAfter?: boolean } = {}) {
  const base = ordinary();
  return (line: string, session: FakeSession): FakeAnswer => {
    if (/^(RETR|TOP) 1\b/i.test(line)) {
      void (async () => {
        session.write('+OK message follows\r\n');
        for (const piece of pieces) {
          session.write(piece);
          await sleep(2);
        }
        if (options.dropAfter) session.socket.destroy();
      })();
      return undefined;
    }
    return base(line, session);
  };
}

describe('STLS is required on the plaintext port', () => {
  it('fails with TLS_REQUIRED when CAPA leaves STLS out, and sends no credential', async () => {
    const server = await fake(ordinary(['TOP', 'UIDL', 'USER', 'SASL PLAIN LOGIN']));
    const error = await failure(Pop3Client.connect(settings(server, { security: 'starttls' }), CREDENTIALS, FAST));
    expect(error.code).toBe('TLS_REQUIRED');
    expect(server.received).toEqual(['CAPA']);
    expect(server.raw()).not.toContain(PASSWORD);
    expect(server.raw()).not.toContain(Buffer.from(`\0${CREDENTIALS.user}\0${PASSWORD}`).toString('base64'));
  });

  it('fails with TLS_REQUIRED and the server text when STLS is answered -ERR, and sends no credential', async () => {
    const base = ordinary(null);
    const server = await fake((line, session) => (line === 'STLS' ? '-ERR TLS not configured here' : base(line, session)));
    const error = await failure(Pop3Client.connect(settings(server, { security: 'starttls' }), CREDENTIALS, FAST));
    expect(error.code).toBe('TLS_REQUIRED');
    expect(error.serverReply).toBe('TLS not configured here');
    expect(server.received).toEqual(['CAPA', 'STLS']);
    expect(server.raw()).not.toContain(PASSWORD);
  });

  it('refuses plaintext injected after the +OK to STLS', async () => {
    const base = ordinary(['STLS', 'USER']);
    const server = await fake((line, session) => (line === 'STLS' ? '+OK begin TLS\r\n+OK injected' : base(line, session)));
    const error = await failure(Pop3Client.connect(settings(server, { security: 'starttls' }), CREDENTIALS, FAST));
    expect(error.code).toBe('SERVER_ERROR');
    expect(isPop3Failure(error, 'plaintext-injection')).toBe(true);
    expect(server.raw()).not.toContain(PASSWORD);
  });
});

describe('authentication', () => {
  it('turns -ERR on PASS into AUTH_FAILED with the server text', async () => {
    const base = ordinary();
    const server = await fake((line, session) => (line.startsWith('PASS ') ? '-ERR [AUTH] Invalid login or password' : base(line, session)));
    const error = await failure(Pop3Client.connect(settings(server), CREDENTIALS, FAST));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.serverReply).toBe('[AUTH] Invalid login or password');
    expect(error.details?.responseCode).toBe('AUTH');
    expect(server.received).toEqual(['CAPA', `USER ${CREDENTIALS.user}`, `PASS ${PASSWORD}`]);
  });

  it('keeps -ERR [IN-USE] on PASS a server error, not a wrong password', async () => {
    const base = ordinary();
    const server = await fake((line, session) => (line.startsWith('PASS ') ? '-ERR [IN-USE] Mailbox locked by another session' : base(line, session)));
    const error = await failure(Pop3Client.connect(settings(server), CREDENTIALS, FAST));
    expect(error.code).toBe('SERVER_ERROR');
    expect(error.serverReply).toBe('[IN-USE] Mailbox locked by another session');
  });

  it('prefers SASL PLAIN when CAPA lists it', async () => {
    const base = ordinary(['UIDL', 'USER', 'SASL LOGIN PLAIN']);
    const server = await fake((line, session) => (line.startsWith('AUTH PLAIN ') ? '+OK welcome' : base(line, session)));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, FAST);
    await client.quit();
    const plain = Buffer.from(`\0${CREDENTIALS.user}\0${PASSWORD}`).toString('base64');
    expect(server.received).toEqual(['CAPA', `AUTH PLAIN ${plain}`, 'CAPA', 'QUIT']);
  });

  it('signs in with APOP from the greeting timestamp (RFC 1939 example), never sending the password', async () => {
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
    const base = ordinary();
    const server = await fake(
      (line, session) => (line.startsWith('APOP ') ? '+OK maildrop has 0 messages' : base(line, session)),
      '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>',
    );
    const client = await Pop3Client.connect(settings(server, { authMethod: 'APOP' }), { user: 'mrose', password: 'tanstaaf' }, FAST);
    await client.quit();
    expect(server.received).toContain('APOP mrose c4c9334bac560ecc979e58001b3e22fb');
    expect(server.raw()).not.toContain('tanstaaf');
  });

  it('sends XOAUTH2 with the token, and reports the server JSON challenge of a refused token', async () => {
    const base = ordinary(['UIDL', 'SASL XOAUTH2']);
    const server = await fake((line, session) => {
      if (line.startsWith('AUTH XOAUTH2 ')) return '+ ' + Buffer.from('{"status":"401","schemes":"bearer"}').toString('base64');
      if (line === '') return '-ERR [AUTH] Invalid credentials';
      return base(line, session);
    });
    const error = await failure(Pop3Client.connect(settings(server), { user: 'dana@example.test', accessToken: 'ya29.token' }, FAST));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.serverReply).toContain('[AUTH] Invalid credentials');
    expect(error.serverReply).toContain('"status":"401"');
    expect(server.received).toEqual(['CAPA', `AUTH XOAUTH2 ${xoauth2Response('dana@example.test', 'ya29.token')}`, '']);
  });
});

describe('replies that break the protocol', () => {
  it('turns a garbage reply into a typed protocol error carrying the line', async () => {
    const base = ordinary();
    const server = await fake((line, session) => (line === 'STAT' ? 'HTTP/1.1 400 Bad Request' : base(line, session)));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, FAST);
    const error = await failure(client.stat());
    expect(error.code).toBe('SERVER_ERROR');
    expect(isPop3Failure(error, 'protocol-violation')).toBe(true);
    expect(error.serverReply).toBe('HTTP/1.1 400 Bad Request');
    // The dialogue is out of step: the connection is gone, later calls fail the same way.
    expect(client.usable).toBe(false);
    expect((await failure(client.noop())).code).toBe('SERVER_ERROR');
  });

  it('turns a garbage greeting into a protocol error', async () => {
    const server = await fake(ordinary(), '220 smtp.example.test ESMTP');
    const error = await failure(Pop3Client.connect(settings(server), CREDENTIALS, FAST));
    expect(isPop3Failure(error, 'protocol-violation')).toBe(true);
    expect(error.serverReply).toBe('220 smtp.example.test ESMTP');
  });

  it('stops at an over-long line, with or without its end, instead of filling memory', async () => {
    const base = ordinary();
    const server = await fake((line, session) => {
      if (line === 'STAT') return '+OK ' + 'A'.repeat(20_000);
      if (line === 'NOOP') {
        // Endless: no line end ever comes.
        const timer = setInterval(() => session.write('B'.repeat(64 * 1024)), 1);
        session.socket.on('close', () => clearInterval(timer));
        return undefined;
      }
      return base(line, session);
    });
    const options = { ...FAST, maxLineLength: 4096 };
    const first = await Pop3Client.connect(settings(server), CREDENTIALS, options);
    const long = await failure(first.stat());
    expect(isPop3Failure(long, 'line-too-long')).toBe(true);
    expect(long.serverReply?.startsWith('+OK AAAA')).toBe(true);
    const second = await Pop3Client.connect(settings(server), CREDENTIALS, options);
    const endless = await failure(second.noop());
    expect(isPop3Failure(endless, 'line-too-long')).toBe(true);
  });

  it('says UIDL is unsupported in a way the caller can detect', async () => {
    const server = await fake(ordinary(['TOP', 'USER']));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, FAST);
    expect(client.advertisesUidl).toBe(false);
    const error = await failure(client.uidl());
    expect(isUidlUnsupported(error)).toBe(true);
    expect(error.serverReply).toBe('unknown command');
    // A -ERR is an ordinary reply: the session goes on.
    await client.quit();
  });

  it('parses LIST and UIDL into typed arrays and refuses a malformed UIDL line', async () => {
    const base = ordinary();
    let uidlLines = ['1 whqtswO00WBw418f9t5JxYwZ', '2 QhdPYR:00WBw1Ph7x7'];
    const server = await fake((line, session) => {
      if (line === 'LIST') return '+OK 2 messages\r\n1 120\r\n2 200\r\n.';
      if (line === 'UIDL') return ['+OK', ...uidlLines, '.'].join('\r\n');
      if (line === 'UIDL 2') return '+OK 2 QhdPYR:00WBw1Ph7x7';
      return base(line, session);
    });
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, FAST);
    expect(await client.list()).toEqual([
      { number: 1, size: 120 },
      { number: 2, size: 200 },
    ]);
    expect(await client.uidl()).toEqual([
      { number: 1, uid: 'whqtswO00WBw418f9t5JxYwZ' },
      { number: 2, uid: 'QhdPYR:00WBw1Ph7x7' },
    ]);
    expect(await client.uidlOne(2)).toEqual({ number: 2, uid: 'QhdPYR:00WBw1Ph7x7' });
    await client.quit();
    uidlLines = ['1 ok-uid', 'two has-no-number'];
    const again = await Pop3Client.connect(settings(server), CREDENTIALS, FAST);
    const error = await failure(again.uidl());
    expect(isPop3Failure(error, 'protocol-violation')).toBe(true);
    expect(error.serverReply).toBe('two has-no-number');
  });
});

describe('timeouts', () => {
  it('times out a server that never greets', async () => {
    const server = await fake(ordinary(), null);
    const started = Date.now();
    const error = await failure(Pop3Client.connect(settings(server), CREDENTIALS, { timeouts: { greetingMs: 300 } }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.details?.phase).toBe('greeting');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('times out a server that stops answering a command', async () => {
    const base = ordinary();
    const server = await fake((line, session) => (line === 'STAT' ? undefined : base(line, session)));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, { timeouts: { readMs: 300 } });
    const error = await failure(client.stat());
    expect(error.code).toBe('TIMEOUT');
    expect(error.details?.phase).toBe('read');
    expect(client.usable).toBe(false);
  });

  it('times out a TLS handshake that never completes (implicit TLS to a silent server)', async () => {
    const server = await fake(ordinary(), null);
    const error = await failure(Pop3Client.connect(settings(server, { security: 'tls' }), CREDENTIALS, { timeouts: { connectMs: 300 } }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.details?.phase).toBe('connect');
  });

  it('times out in the middle of a message body and leaves no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pop3-stall-'));
    const server = await fake(withMessage(['Subject: stall\r\n\r\nfirst line\r\n']));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, { timeouts: { readMs: 300 } });
    const error = await failure(client.retrToFile(1, join(dir, 'm.eml')));
    expect(error.code).toBe('TIMEOUT');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('message bodies', () => {
  // Every tricky line start: a stuffed dot, two, a dot before the CR, a dot alone on a stuffed
  // line, and a dot-stuffed line split across writes (chunks) at every point.
  const original = [
    'Subject: dots',
    '',
    '.',
    '..',
    '.hidden',
    '...three',
    ' .not at start',
    'end with dot.',
    '. ',
    '',
    'last',
  ].join('\r\n') + '\r\n';
  const stuffed = original.replace(/^\./gm, '..');

  it('unstuffs dot-stuffed lines exactly (RETR to a file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pop3-dots-'));
    // Cut the stuffed body into 1–3 byte pieces so that line starts fall on chunk edges.
    const pieces: string[] = [];
    const wire = stuffed + '.\r\n';
    for (let i = 0; i < wire.length; ) {
      const n = 1 + (i % 3);
      pieces.push(wire.slice(i, i + n));
      i += n;
    }
    const server = await fake(withMessage(pieces));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, FAST);
    const path = join(dir, 'm.eml');
    const size = await client.retrToFile(1, path);
    expect(readFileSync(path, 'latin1')).toBe(original);
    expect(size).toBe(Buffer.byteLength(original));
    expect(readdirSync(dir)).toEqual(['m.eml']);
    // The dialogue stays in step after the body.
    await client.noop();
    expect((await client.top(1, 0)).toString('latin1')).toBe(original);
    await client.quit();
  });

  it('leaves no file (final or partial) when the connection drops in the middle of RETR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pop3-drop-'));
    const body = 'Subject: cut\r\n\r\n' + 'x'.repeat(70).concat('\r\n').repeat(20_000);
    const server = await fake(withMessage([body.slice(0, 600_000)], { dropAfter: true }));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, FAST);
    const path = join(dir, 'm.eml');
    const error = await failure(client.retrToFile(1, path));
    expect(error.code).toBe('CONNECTION_LOST');
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(client.usable).toBe(false);
  });

  it('caps TOP, which is kept in memory', async () => {
    const server = await fake(withMessage(['Subject: big\r\n\r\n' + 'y'.repeat(5000) + '\r\n.\r\n']));
    const client = await Pop3Client.connect(settings(server), CREDENTIALS, { ...FAST, maxTopBytes: 1000 });
    const error = await failure(client.top(1, 10));
    expect(isPop3Failure(error, 'response-too-large')).toBe(true);
  });
});
