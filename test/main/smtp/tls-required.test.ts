import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { inMemoryService, outboxItem, sendAndSettle, value } from '../../support/accounts.js';
import { startLineServer, type LineServer } from '../../support/fake-line-server.js';

const PASSWORD = 'never-in-plaintext-9';

function account(port: number, security: 'tls' | 'starttls') {
  return {
    name: 'Alice',
    email: 'alice@example.test',
    password: PASSWORD,
    imap: { host: '127.0.0.1', port, security },
    smtp: { host: '127.0.0.1', port, security },
  };
}

let server: LineServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('STARTTLS is required, never optional', () => {
  it('SMTP: a server that does not offer STARTTLS gets no AUTH and no message', async () => {
    server = await startLineServer('220 fake.test ESMTP', (line) => {
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') return '250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10000000';
      if (verb === 'STARTTLS') return '502 5.5.1 STARTTLS not available';
      if (verb === 'QUIT') return '221 bye';
      return '250 ok';
    });
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', account(server.port, 'starttls')));
    const item = await sendAndSettle(app, {
      accountId: alice.id,
      to: ['bob@example.test'],
      subject: 'secret',
      text: 'secret body',
    });
    expect(item).toMatchObject({ state: 'failed', error: { code: 'TLS_REQUIRED' } });
    const verbs = server.received.map((l) => l.split(' ')[0]!.toUpperCase());
    expect(verbs.slice(0, 2)).toEqual(['EHLO', 'STARTTLS']);
    expect(verbs).not.toContain('AUTH');
    expect(verbs).not.toContain('MAIL');
    expect(server.received.join('\n')).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(server.received.join('\n')).not.toContain(PASSWORD);
  });

  it('IMAP: a server that does not offer STARTTLS gets no LOGIN or AUTHENTICATE', async () => {
    server = await startLineServer('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready', (line) => {
      const [tag, command] = line.split(' ');
      if (command?.toUpperCase() === 'CAPABILITY') return `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done`;
      if (command?.toUpperCase() === 'LOGOUT') return `* BYE\r\n${tag} OK bye`;
      return `${tag} NO not here`;
    });
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', account(server.port, 'starttls')));
    const reply = await app.client.invoke('messages.list', { accountId: alice.id });
    expect(reply).toMatchObject({ ok: false, error: { code: 'TLS_REQUIRED' } });
    const commands = server.received.map((l) => l.split(' ')[1]?.toUpperCase());
    expect(commands).not.toContain('LOGIN');
    expect(commands).not.toContain('AUTHENTICATE');
    expect(server.received.join('\n')).not.toContain(PASSWORD);
  });
});

describe('certificates are verified', () => {
  let smtp: SMTPServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    smtp = undefined;
  });

  it('SMTP over TLS to a server with a self-signed certificate fails with TLS_UNTRUSTED before AUTH', async () => {
    let authAttempts = 0;
    // smtp-server's built-in certificate is self-signed: exactly what must not be trusted.
    smtp = new SMTPServer({
      secure: true,
      logger: false,
      onAuth: (_auth, _session, callback) => {
        authAttempts++;
        callback(new Error('no'));
      },
    });
    smtp.on('error', () => {});
    await new Promise<void>((resolve) => smtp!.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', account(port, 'tls')));
    const item = await sendAndSettle(app, {
      accountId: alice.id,
      to: ['bob@example.test'],
      subject: 'x',
      text: 'x',
    });
    expect(item).toMatchObject({ state: 'failed', error: { code: 'TLS_UNTRUSTED' } });
    expect(authAttempts).toBe(0);
  });

  it('a closed port gives CONNECTION_REFUSED naming host and port', async () => {
    const probe = await startLineServer('220 x', () => undefined);
    const port = probe.port;
    await probe.close();
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', account(port, 'tls')));
    const queued = value(await app.client.invoke('mail.send', { accountId: alice.id, to: ['b@example.test'], subject: 'x', text: 'x' }));
    // A refused connection is worth retrying: the message waits, with the reason shown.
    const item = await outboxItem(app, queued.id, (i) => i.state === 'retrying');
    expect(item.error?.code).toBe('CONNECTION_REFUSED');
    expect(item.error?.message).toContain(`127.0.0.1 refused the connection on port ${port}`);
    expect(Date.parse(item.retryAt!)).toBeGreaterThan(Date.now() - 1000);
  });
});
