import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pop3Client, withPop3 } from '../../../main/pop3/pop3-client.js';
import { AppError } from '../../../shared/errors.js';
import { credentials, deliver, findBySubject, mustFind, OPTIONS, pop3Settings } from './dovecot-support.js';

/*
 * Against the test bed's real Dovecot POP3: 995 with TLS from the first byte, 110 with STLS
 * (on 127.0.0.2-style addresses, so Dovecot does not treat the client as local and secure).
 * Messages carry unique subjects; bob's INBOX may hold anything else.
 */

const dir = mkdtempSync(join(tmpdir(), 'pop3-dovecot-'));

function message(subject: string, body = 'Hello from the POP3 tests.\r\n'): string {
  const raw =
    `From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\n` +
    `Message-ID: <${randomUUID()}@example.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}`;
  const file = join(dir, `${randomUUID()}.eml`);
  writeFileSync(file, raw);
  return file;
}

function delivered(subject: string, body?: string): string {
  const file = message(subject, body);
  deliver('bob', file);
  return readFileSync(file, 'latin1');
}

describe('login', () => {
  it('logs in over 995 with TLS and SASL PLAIN', async () => {
    const client = await Pop3Client.connect(pop3Settings('tls'), credentials('bob'), OPTIONS);
    expect(client.secure).toBe(true);
    expect(client.capabilities?.has('UIDL')).toBe(true);
    await client.noop();
    await client.quit();
    expect(client.usable).toBe(false);
  });

  it('logs in over 110 with STLS, with SASL PLAIN and with USER/PASS', async () => {
    for (const authMethod of ['auto', 'USER'] as const) {
      const client = await Pop3Client.connect(pop3Settings('starttls', { authMethod }), credentials('bob'), OPTIONS);
      expect(client.secure).toBe(true);
      expect((await client.stat()).count).toBeGreaterThanOrEqual(0);
      await client.quit();
    }
  });

  it('reports a wrong password as AUTH_FAILED with Dovecot’s text, both ways', async () => {
    for (const [security, authMethod] of [['tls', 'auto'], ['starttls', 'USER']] as const) {
      const error = await Pop3Client.connect(pop3Settings(security, { authMethod }), { user: 'bob@example.test', password: 'wrong' }, OPTIONS).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('AUTH_FAILED');
      expect((error as AppError).serverReply).toMatch(/Authentication failed/i);
    }
  });
});

describe('the maildrop', () => {
  it('STAT, LIST and UIDL agree', async () => {
    delivered(`Consistent ${randomUUID()}`);
    delivered(`Consistent ${randomUUID()}`);
    await withPop3(
      pop3Settings('tls'),
      credentials('bob'),
      async (client) => {
        const stat = await client.stat();
        const list = await client.list();
        const uidl = await client.uidl();
        expect(stat.count).toBeGreaterThanOrEqual(2);
        expect(list).toHaveLength(stat.count);
        expect(uidl).toHaveLength(stat.count);
        expect(list.reduce((sum, e) => sum + e.size, 0)).toBe(stat.size);
        expect(list.map((e) => e.number)).toEqual(uidl.map((e) => e.number));
        expect(new Set(uidl.map((e) => e.uid)).size).toBe(uidl.length);
        const last = list.at(-1)!;
        expect(await client.listOne(last.number)).toEqual(last);
        expect(await client.uidlOne(last.number)).toEqual(uidl.at(-1));
      },
      OPTIONS,
    );
  });

  it('TOP previews the header (and n body lines) without the rest', async () => {
    const subject = `Preview ${randomUUID()}`;
    delivered(subject, 'First body line\r\nSecond body line\r\nThird body line\r\n');
    await withPop3(
      pop3Settings('starttls'),
      credentials('bob'),
      async (client) => {
        const { number } = await mustFind(client, subject);
        const header = (await client.top(number, 0)).toString('latin1');
        expect(header).toContain(`Subject: ${subject}\r\n`);
        expect(header.endsWith('\r\n\r\n')).toBe(true);
        expect(header).not.toContain('First body line');
        const one = (await client.top(number, 1)).toString('latin1');
        expect(one).toContain('First body line\r\n');
        expect(one).not.toContain('Second body line');
      },
      OPTIONS,
    );
  });

  it('RETR writes the message to a file exactly, dot-stuffed lines included', async () => {
    const subject = `Dots ${randomUUID()}`;
    const raw = delivered(subject, '.\r\n..\r\n.leading dot\r\nplain\r\n. \r\n');
    await withPop3(
      pop3Settings('tls'),
      credentials('bob'),
      async (client) => {
        const { number } = await mustFind(client, subject);
        const path = join(dir, `${randomUUID()}.eml`);
        const size = await client.retrToFile(number, path);
        expect(readFileSync(path, 'latin1')).toBe(raw);
        expect(size).toBe(raw.length);
        expect(size).toBe((await client.listOne(number)).size);
      },
      OPTIONS,
    );
  });

  it('DELE takes effect only at QUIT: a drop keeps the message, RSET undoes, QUIT removes', async () => {
    const subject = `Delete ${randomUUID()}`;
    delivered(subject);
    const settings = pop3Settings('tls');
    const session = () => Pop3Client.connect(settings, credentials('bob'), OPTIONS);

    // DELE, then the connection drops before QUIT.
    let client = await session();
    const { uid } = await mustFind(client, subject);
    const count = (await client.stat()).count;
    await client.dele((await mustFind(client, subject)).number);
    expect((await client.stat()).count).toBe(count - 1);
    client.close();

    // Still there; DELE then RSET then QUIT.
    client = await session();
    const again = await mustFind(client, subject);
    expect(again.uid).toBe(uid);
    await client.dele(again.number);
    await client.rset();
    await client.quit();

    // Still there; DELE then QUIT.
    client = await session();
    const third = await mustFind(client, subject);
    expect(third.uid).toBe(uid);
    await client.dele(third.number);
    await client.quit();

    client = await session();
    expect(await findBySubject(client, subject)).toBeUndefined();
    expect((await client.uidl()).some((e) => e.uid === uid)).toBe(false);
    await client.quit();
  });
});
