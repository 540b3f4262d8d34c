import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMessageSource } from '../../../main/mime/message-source.js';
import { parseMessageFile, parseMessageForReader } from '../../../main/mime/parse-message-file.js';
import { MAX_SOURCE_BYTES } from '../../../shared/contract.js';
import { carolThroughProxy } from '../../support/carol-through-proxy.js';
import { value } from '../../support/accounts.js';
import { hostileHtml, htmlMessage, PNG_1X1_BYTES, richMessage } from '../../support/reader-messages.js';

const dir = mkdtempSync(join(tmpdir(), 'mua-reader-'));
const file = (raw: string | Buffer) => {
  const path = join(dir, `${randomUUID()}.eml`);
  writeFileSync(path, raw);
  return path;
};

describe('the reader’s view of a kept message file', () => {
  it('has the HTML as it came, the parts numbered with their sizes (the inline image with its Content-ID), and the Authentication-Results unfolded', async () => {
    const parsed = await parseMessageForReader(file(richMessage('Rich')));
    // The inline image stays a cid: reference: the app serves the part by URL (shared/message-parts.ts).
    expect(parsed.html).toContain('<img src="cid:logo@example.test" alt="logo">');
    expect(parsed.attachments).toEqual([
      { filename: null, contentType: 'image/png', size: PNG_1X1_BYTES.length, part: 0, contentId: 'logo@example.test' },
      { filename: 'report.pdf', contentType: 'application/pdf', size: 3000, part: 1 },
    ]);
    expect(parsed.authenticationResults).toEqual([
      'mx.example.test (Postfix) 1; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.test; dkim=pass (2048-bit key) header.d=example.test header.s=sel; dmarc=pass (p=reject dis=none) header.from=example.test',
      'forged.example; dmarc=fail header.from=example.test',
    ]);
  });

  it('keeps the HTML raw: sanitizing is the renderer’s job', async () => {
    const parsed = await parseMessageForReader(file(htmlMessage('Hostile', hostileHtml('http://beacon.test'))));
    expect(parsed.html).toContain('<script>');
    expect(parsed.text).toContain('This message has an HTML version.');
  });

  it('never copies an inline image into the HTML, however large: the reader gets a few bytes, not megabytes', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 1).toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw =
      'From: a@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n' +
      '--B\r\nContent-Type: text/html\r\n\r\n<img src="cid:big@x">\r\n' +
      `--B\r\nContent-Type: image/png\r\nContent-ID: <big@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n${big}\r\n--B--\r\n`;
    const parsed = await parseMessageForReader(file(raw));
    expect(parsed.html?.trim()).toBe('<img src="cid:big@x">');
    expect(parsed.attachments).toEqual([{ filename: null, contentType: 'image/png', size: 4 * 1024 * 1024, part: 0, contentId: 'big@x' }]);
  });

  it('parseMessageFile (prefetch, POP3) does not carry the reader’s extras', async () => {
    const parsed = await parseMessageFile(file(richMessage('Plain')));
    expect(parsed).not.toHaveProperty('html');
    expect(parsed).not.toHaveProperty('authenticationResults');
  });

  it('the source is read up to a cap, undecodable bytes shown, never failing', async () => {
    const raw = Buffer.concat([Buffer.from('Subject: x\r\n\r\n'), Buffer.from([0xff, 0xfe]), Buffer.alloc(5000, 0x61)]);
    const whole = await readMessageSource(file(raw));
    expect(whole).toMatchObject({ size: raw.length, truncated: false });
    expect(whole.source.startsWith('Subject: x\r\n\r\n\ufffd\ufffd')).toBe(true);
    const cut = await readMessageSource(file(raw), 100);
    expect(cut).toMatchObject({ size: raw.length, truncated: true });
    expect(Buffer.byteLength(cut.source.replace(/\ufffd/g, 'x'))).toBe(100);
    expect(MAX_SOURCE_BYTES).toBeGreaterThan(1_000_000);
  });
});

describe('through the contract, on the test bed', () => {
  const bed = carolThroughProxy();

  async function delivered(raw: string) {
    const path = `Reader-${randomUUID().slice(0, 8)}`;
    await bed.direct.mailboxCreate(path);
    await bed.direct.append(path, raw);
    const { app, account } = await bed.app();
    await app.client.invoke('messages.list', { accountId: account.id, folder: path });
    return { app, account, path };
  }

  it('message.open gives the HTML, the authentication results and the attachments; message.source the raw message', async () => {
    const raw = richMessage(`Rich ${randomUUID()}`);
    const { app, account, path } = await delivered(raw);
    const opened = value(await app.client.invoke('message.open', { accountId: account.id, folder: path, uid: 1 }));
    expect(opened.html).toContain('src="cid:logo@example.test"');
    expect(opened.partsKey).toMatch(/^[0-9a-f]{64}$/);
    expect(opened.authenticationResults?.[0]).toMatch(/^mx\.example\.test \(Postfix\) 1; spf=pass/);
    expect(opened.attachments.map((a) => [a.part, a.filename, a.size, a.contentId])).toEqual([
      [0, null, PNG_1X1_BYTES.length, 'logo@example.test'],
      [1, 'report.pdf', 3000, undefined],
    ]);
    expect(opened.remoteContentAllowed).toBe(false);
    const source = value(await app.client.invoke('message.source', { accountId: account.id, folder: path, uid: 1 }));
    expect(source.truncated).toBe(false);
    expect(source.source.replace(/\r\n/g, '\n')).toBe(raw.replace(/\r\n/g, '\n'));
    const missing = await app.client.invoke('message.source', { accountId: account.id, folder: path, uid: 99 });
    expect(missing.ok ? 'ok' : missing.error.code).toBe('NOT_FOUND');
  });

  it('"always load from this sender" is remembered in the settings and shows on the next open', async () => {
    const { app, account, path } = await delivered(htmlMessage('Remote', '<img src="http://127.0.0.1:9/x.png">'));
    expect(value(await app.client.invoke('message.open', { accountId: account.id, folder: path, uid: 1 })).remoteContentAllowed).toBe(false);
    value(await app.client.invoke('senders.allowRemoteContent', { address: 'Mallory@Example.test' }));
    expect(app.profile.settingsFile.get('remoteContentSenders')).toEqual(['mallory@example.test']);
    expect(value(await app.client.invoke('message.open', { accountId: account.id, folder: path, uid: 1 })).remoteContentAllowed).toBe(true);
    const bad = await app.client.invoke('senders.allowRemoteContent', { address: 'not an address' });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('INVALID_ARGUMENT');
  });

  it('links.open takes http, https and mailto only; without a shell nothing opens', async () => {
    const { app } = await bed.app();
    expect(value(await app.client.invoke('links.open', { url: 'https://example.test/a' }))).toEqual({ opened: false });
    expect(value(await app.client.invoke('links.open', { url: 'mailto:a@example.test' }))).toEqual({ opened: false });
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'https://', 'relative/path']) {
      const reply = await app.client.invoke('links.open', { url });
      expect(reply.ok ? 'ok' : reply.error.code, url).toBe('INVALID_ARGUMENT');
    }
  });
});
