import type { BaseWindow, Dialog, Shell } from 'electron';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRef, PartSource } from '../../../main/attachments/message-parts.js';
import { PART_CONTENT_SECURITY_POLICY } from '../../../main/attachments/serve-part.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/bridge/static-files.js';
import { createAppRequestHandler } from '../../../main/electron/app-protocol.js';
import { electronAttachmentShell } from '../../../main/electron/attachment-shell.js';
import { policyFor } from '../../../main/electron/session-policy.js';
import { AppError } from '../../../shared/errors.js';
import { mailFrameContentSecurityPolicy } from '../../../shared/mail-frame.js';
import { value } from '../../support/accounts.js';
import { attachmentApp, type AttachmentApp } from '../../support/attachment-app.js';
import { messageWithParts, noisePng } from '../../support/attachment-messages.js';
import { fakeDialog, fakeShell } from './fake-electron.js';

/**
 * The desktop's side of attachments, with the stand-in Electron pieces: the save dialog (modal
 * to our window, starting in Downloads with the sanitized name), the system's opener, and
 * app://mua/mail-part/ for inline images, under the frame's and the parts' policies. The last
 * part runs the real service on the test bed with the shell made from the stand-ins.
 */
process.env.MUA_LOG = 'silent';

const KEY = 'e1'.repeat(32);
const png = noisePng(16, 8);
const window = { isDestroyed: () => false } as unknown as BaseWindow;
const downloads = join(homedir(), 'Downloads');
const shellWith = (parent: BaseWindow | null = window) =>
  electronAttachmentShell({ dialog: fakeDialog as unknown as Dialog, shell: fakeShell as unknown as Shell, downloadsDir: () => downloads, window: () => parent });

beforeEach(() => {
  fakeDialog.showSaveDialog.mockClear();
  fakeShell.openPath.mockClear();
  fakeDialog.nextAnswer = { canceled: true, filePath: '' };
  fakeShell.openPath.mockImplementation(async () => '');
});

describe('the save dialog', () => {
  it('belongs to our window, starts in Downloads with the name, and confirms before overwriting', async () => {
    fakeDialog.nextAnswer = { canceled: false, filePath: '/home/me/Documents/report.pdf' };
    expect(await shellWith().chooseSavePath('report.pdf')).toBe('/home/me/Documents/report.pdf');
    const [parent, options] = fakeDialog.showSaveDialog.mock.calls[0]! as [BaseWindow, { defaultPath: string; properties: string[] }];
    expect(parent).toBe(window);
    expect(options.defaultPath).toBe(join(downloads, 'report.pdf'));
    expect(options.properties).toContain('showOverwriteConfirmation');
  });

  it('cancelled: no path', async () => {
    expect(await shellWith().chooseSavePath('report.pdf')).toBeUndefined();
  });

  it('with no window (closed on macOS), a dialog of its own', async () => {
    await shellWith(null).chooseSavePath('x.pdf');
    expect(fakeDialog.showSaveDialog.mock.calls[0]![0]).toMatchObject({ defaultPath: join(downloads, 'x.pdf') });
  });
});

describe('the system opener', () => {
  it('opens the file it is given; when the system cannot, says so with its words', async () => {
    await shellWith().openPath('/tmp/x/report.pdf');
    expect(fakeShell.openPath).toHaveBeenCalledWith('/tmp/x/report.pdf');
    fakeShell.openPath.mockImplementation(async () => 'No application is registered as handling this file');
    const error = await shellWith().openPath('/tmp/x/report.pdf').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/No application is registered.*Save it instead/);
  });
});

describe('app://mua/mail-part/', () => {
  const parts: PartSource = {
    refOf: (key) => (key === KEY ? { accountId: 'acc', folder: 'INBOX', uid: 1 } : undefined),
    open: async (_ref: MessageRef, part: number) => {
      const types = ['image/png', 'text/html'];
      if (part >= types.length) throw new AppError('NOT_FOUND');
      const content = Readable.from([part === 0 ? png : Buffer.from('<script>alert(1)</script>')]);
      return { info: { part, filename: null, contentType: types[part]! }, content, close: () => content.destroy() };
    },
  };
  const handler = createAppRequestHandler(mkdtempSync(join(tmpdir(), 'mua-renderer-')), async () => new Uint8Array(), () => parts);
  const get = (url: string) => handler(new Request(url));

  it('streams the message’s inline image with its type, nosniff and the sandbox policy', async () => {
    const response = await get(`app://mua/mail-part/${KEY}/0`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe(PART_CONTENT_SECURITY_POLICY);
  });

  it('nothing else: another key, a part that is no image or not there, attachments as downloads (the desktop saves through the dialog)', async () => {
    expect((await get(`app://mua/mail-part/${'f0'.repeat(32)}/0`)).status).toBe(404);
    expect((await get(`app://mua/mail-part/${KEY}/1`)).status).toBe(404);
    expect((await get(`app://mua/mail-part/${KEY}/5`)).status).toBe(404);
    expect((await get(`app://mua/attachment/${KEY}/0`)).status).toBe(404);
    const noService = createAppRequestHandler(tmpdir(), async () => new Uint8Array(), () => undefined);
    expect((await noService(new Request(`app://mua/mail-part/${KEY}/0`))).status).toBe(404);
  });

  it('the frame for a message allows its parts at app://mua, and the session gives each URL its policy', async () => {
    const frame = await get(`app://mua/mail-frame.html?remote=0&parts=${KEY}`);
    const policy = mailFrameContentSecurityPolicy(false, { origin: 'app://mua', key: KEY });
    expect(frame.headers.get('content-security-policy')).toBe(policy);
    expect(policy).toContain(`img-src data: app://mua/mail-part/${KEY}/;`);
    expect(policyFor(`app://mua/mail-frame.html?remote=0&parts=${KEY}`)).toBe(policy);
    expect(policyFor(`app://mua/mail-part/${KEY}/0`)).toBe(PART_CONTENT_SECURITY_POLICY);
    expect(policyFor(`https://evil.example/mail-part/${KEY}/0`)).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('save and open in the desktop app, on a message from the test bed', () => {
  let desk: AttachmentApp;
  let saveDir: string;
  const doc = Buffer.concat([Buffer.from('%PDF-1.5\n'), randomBytes(150_000)]);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let ref: MessageRef;

  beforeAll(async () => {
    saveDir = mkdtempSync(join(tmpdir(), 'mua-desktop-saved-'));
    desk = await attachmentApp(shellWith());
    ({ ref } = await desk.deliver(
      await messageWithParts('Desktop', [
        { filename: 'contract.pdf', contentType: 'application/pdf', content: doc },
        { filename: 'run.sh', contentType: 'text/plain', content: Buffer.from('#!/bin/sh\nrm -rf ~\n') },
      ]),
    ));
  });

  afterAll(async () => {
    await desk?.stop();
    rmSync(saveDir, { recursive: true, force: true });
  });

  it('Save: the dialog, then the bytes in the chosen file', async () => {
    fakeDialog.nextAnswer = { canceled: false, filePath: join(saveDir, 'contract.pdf') };
    expect(value(await desk.app.client.invoke('attachments.save', { ...ref, part: 0 }))).toEqual({ result: 'saved', fileName: 'contract.pdf' });
    expect(sha(readFileSync(join(saveDir, 'contract.pdf')))).toBe(sha(doc));
    expect((fakeDialog.showSaveDialog.mock.calls[0]![1] as { defaultPath: string }).defaultPath).toBe(join(downloads, 'contract.pdf'));
  });

  it('Open: the system gets a private copy of the bytes', async () => {
    let copy: Buffer | undefined;
    fakeShell.openPath.mockImplementation(async (path: string) => {
      copy = await buffer(Readable.from([readFileSync(path)]));
      return '';
    });
    expect(value(await desk.app.client.invoke('attachments.open', { ...ref, part: 0 }))).toEqual({ result: 'opened', fileName: 'contract.pdf' });
    expect(sha(copy!)).toBe(sha(doc));
    const opened = fakeShell.openPath.mock.calls[0]![0];
    expect(opened.startsWith(desk.tempDir)).toBe(true);
    expect(existsSync(opened)).toBe(true);
  });

  it('Open of a script: refused, and the system is never asked', async () => {
    const reply = await desk.app.client.invoke('attachments.open', { ...ref, part: 1 });
    expect(reply.ok ? 'ok' : reply.error.code).toBe('INVALID_ARGUMENT');
    expect(fakeShell.openPath).not.toHaveBeenCalled();
  });

  it('the system cannot open it: an error with its words', async () => {
    fakeShell.openPath.mockImplementation(async () => 'No application knows this type');
    const reply = await desk.app.client.invoke('attachments.open', { ...ref, part: 0 });
    expect(reply.ok ? 'ok' : reply.error.message).toMatch(/No application knows this type/);
  });
});

