import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AttachmentShell } from '../../../main/attachments/attachments.js';
import { messageWithParts } from '../../support/attachment-messages.js';
import { attachmentApp, type AttachmentApp } from '../../support/attachment-app.js';
import { peakLiveMemory } from '../../support/live-memory.js';
import { value } from '../../support/accounts.js';

/**
 * attachments.save and attachments.open through the whole service, on messages that went through
 * Dovecot: the bytes that come out are the bytes the sender attached, names are sanitized, and
 * what could run code is never handed to the system. The shell (dialog, opener) is a stand-in
 * that records what it was asked.
 */
const saveDir = mkdtempSync(join(tmpdir(), 'mua-saved-'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000)]);
const shell = {
  nextPath: undefined as string | undefined,
  asked: [] as string[],
  opened: [] as { path: string; bytes: Buffer; mode: number; folderMode: number }[],
};
const standIn: AttachmentShell = {
  chooseSavePath: vi.fn(async (name: string) => {
    shell.asked.push(name);
    return shell.nextPath;
  }),
  openPath: vi.fn(async (path: string) => {
    shell.opened.push({ path, bytes: readFileSync(path), mode: statSync(path).mode & 0o777, folderMode: statSync(dirname(path)).mode & 0o777 });
  }),
};

let desk: AttachmentApp;
let web: AttachmentApp;
let message: Awaited<ReturnType<AttachmentApp['deliver']>>;

beforeAll(async () => {
  desk = await attachmentApp(standIn);
  web = await attachmentApp();
  message = await desk.deliver(
    await messageWithParts('Attachments', [
      { filename: 'report.pdf', contentType: 'application/pdf', content: pdf },
      { filename: 'setup.exe', contentType: 'application/octet-stream', content: Buffer.from('MZ\x90\x00 not really') },
      { filename: 'quarterly.pdf', contentType: 'application/pdf', content: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), randomBytes(100)]) },
      { filename: 'notes.txt', contentType: 'text/plain', content: Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>') },
      { filename: '..\\..\\invoice\u202Efdp.exe', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 tiny') },
    ]),
  );
});

afterAll(async () => {
  await desk?.stop();
  await web?.stop();
});

const ref = (part: number) => ({ ...message.ref, part });

describe('attachments.save', () => {
  it('asks where with the sanitized name, and writes exactly the attached bytes there', async () => {
    shell.nextPath = join(saveDir, 'my report.pdf');
    expect(value(await desk.app.client.invoke('attachments.save', ref(0)))).toEqual({ result: 'saved', fileName: 'my report.pdf' });
    expect(shell.asked.at(-1)).toBe('report.pdf');
    expect(sha(readFileSync(shell.nextPath))).toBe(sha(pdf));
    // No temporary file is left beside it.
    expect(readdirSync(saveDir)).toEqual(['my report.pdf']);
  });

  it('offers a hostile name only once it is safe: no folder climbing, no direction override', async () => {
    shell.nextPath = undefined;
    expect(value(await desk.app.client.invoke('attachments.save', ref(4)))).toEqual({ result: 'cancelled' });
    expect(shell.asked.at(-1)).toBe('_.._invoicefdp.exe');
  });

  it('cancelled in the dialog: nothing is written', async () => {
    const before = readdirSync(saveDir);
    shell.nextPath = undefined;
    expect(value(await desk.app.client.invoke('attachments.save', ref(0)))).toEqual({ result: 'cancelled' });
    expect(readdirSync(saveDir)).toEqual(before);
  });

  it('a folder that cannot be written to is an error a person can act on, with nothing left behind', async () => {
    shell.nextPath = join(saveDir, 'no-such-folder', 'report.pdf');
    const reply = await desk.app.client.invoke('attachments.save', ref(0));
    expect(reply.ok ? 'ok' : reply.error.message).toMatch(/that folder does not exist/);
  });

  it('without a dialog (web mode) it answers "download": the browser fetches the part instead', async () => {
    const opened = await web.deliver(await messageWithParts('Web', [{ filename: 'report.pdf', contentType: 'application/pdf', content: pdf }]));
    expect(value(await web.app.client.invoke('attachments.save', { ...opened.ref, part: 0 }))).toEqual({ result: 'download', fileName: 'report.pdf' });
    expect(value(await web.app.client.invoke('attachments.open', { ...opened.ref, part: 0 }))).toEqual({ result: 'download', fileName: 'report.pdf' });
  });

  it('a part that is not there is NOT_FOUND', async () => {
    const reply = await desk.app.client.invoke('attachments.save', ref(9));
    expect(reply.ok ? 'ok' : reply.error.code).toBe('NOT_FOUND');
  });
});

describe('attachments.open', () => {
  it('writes the part read-only into a private folder of its own, then hands it to the system', async () => {
    expect(value(await desk.app.client.invoke('attachments.open', ref(0)))).toEqual({ result: 'opened', fileName: 'report.pdf' });
    const opened = shell.opened.at(-1)!;
    expect(relative(desk.tempDir, opened.path).split(sep)).toEqual([expect.stringMatching(/^mua-attachments-/), expect.stringMatching(/^open-/), 'report.pdf']);
    expect(opened.folderMode).toBe(0o700);
    expect(opened.mode).toBe(0o400);
    expect(sha(opened.bytes)).toBe(sha(pdf));
  });

  it('refuses a program by its name, before anything is written', async () => {
    const before = shell.opened.length;
    const reply = await desk.app.client.invoke('attachments.open', ref(1));
    expect(reply.ok ? 'ok' : reply.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { reason: 'risky-type' } });
    expect(reply.ok ? '' : reply.error.message).toMatch(/“setup\.exe” could run a program.*Save it instead/);
    expect(shell.opened.length).toBe(before);
  });

  it('refuses a program or a web page that calls itself a PDF or text, by its first bytes, and removes it again', async () => {
    const before = shell.opened.length;
    for (const part of [2, 3]) {
      const reply = await desk.app.client.invoke('attachments.open', ref(part));
      expect(reply.ok ? 'ok' : reply.error.details?.reason).toBe('risky-content');
    }
    expect(shell.opened.length).toBe(before);
    const root = readdirSync(desk.tempDir).map((d) => join(desk.tempDir, d));
    const folders = root.flatMap((r) => readdirSync(r));
    // Only the report opened above is still there.
    expect(folders).toHaveLength(1);
  });

  it('the disguised .exe is caught by its real extension', async () => {
    const reply = await desk.app.client.invoke('attachments.open', ref(4));
    expect(reply.ok ? 'ok' : reply.error.message).toMatch(/“_\.\._invoicefdp\.exe” could run/);
  });

  it('the private folder goes when the app stops', async () => {
    const app = desk;
    const root = readdirSync(app.tempDir).map((d) => join(app.tempDir, d));
    expect(root).toHaveLength(1);
    await app.stop();
    expect(existsSync(root[0]!)).toBe(false);
    desk = await (await import('../../support/attachment-app.js')).attachmentApp(standIn);
  });
});

describe('a large attachment', () => {
  it('is saved from a 33 MB message byte for byte, never held whole in memory', async () => {
    const big = randomBytes(24 * 1024 * 1024);
    const raw = await messageWithParts('Big one', [{ filename: 'big.bin', contentType: 'application/octet-stream', content: big }]);
    const { ref: bigRef } = await desk.deliver(raw);
    shell.nextPath = join(saveDir, 'big.bin');
    const { result, peak } = await peakLiveMemory(async () => value(await desk.app.client.invoke('attachments.save', { ...bigRef, part: 0 })));
    expect(result.result).toBe('saved');
    expect(sha(readFileSync(shell.nextPath))).toBe(sha(big));
    // The message is ~33 MB and the part 24 MB: holding either shows as 24 MB or more. Streaming
    // keeps a few chunks and the parser's buffers.
    expect(peak).toBeLessThan(raw.length / 4);
  }, 120_000);
});
