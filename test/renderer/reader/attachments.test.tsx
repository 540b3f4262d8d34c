// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageDetail } from '../../../shared/schemas.js';
import { Reader } from '../../../renderer/features/reader/Reader.js';
import { fakeClient, type ScriptedReply } from '../fake-client.js';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const KEY = 'ab'.repeat(32);

const message = (more: Partial<MessageDetail> = {}): MessageDetail => ({
  uid: 9,
  from: { name: 'Billing', address: 'billing@shop.example' },
  subject: 'Your invoice',
  date: '2026-03-02T12:00:00.000Z',
  unread: false,
  size: 90_000,
  flagged: false,
  hasAttachments: true,
  receivedAt: 0,
  to: [],
  cc: [],
  replyTo: [],
  references: [],
  text: 'Invoice attached.',
  html: '<p>Our logo: <img src="cid:logo@shop.example" alt="logo"></p><p>And theirs: <img src="https://cdn.shop.example/a.png" alt="remote"></p>',
  attachments: [
    { filename: 'logo.png', contentType: 'image/png', size: 4_000, part: 0, contentId: 'logo@shop.example' },
    { filename: 'invoice.pdf', contentType: 'application/pdf', size: 80_000, part: 1 },
    { filename: 'setup.exe', contentType: 'application/octet-stream', size: 6_000, part: 2 },
    // The sender's name tries to pass for a PDF: a right-to-left override before "fdp.exe".
    { filename: 'bill\u202Efdp.exe', contentType: 'application/octet-stream', size: 100, part: 3 },
  ],
  authenticationResults: [],
  remoteContentAllowed: false,
  partsKey: KEY,
  ...more,
});

const actions = { folder: 'INBOX', folders: [], onDelete: () => {}, onToggleRead: () => {}, onToggleFlag: () => {}, onMove: () => {} };

function reader(replies: Record<string, ScriptedReply>, m = message()) {
  const fake = fakeClient(replies);
  render(<Reader message={m} onReply={() => {}} actions={actions} client={fake.client} accountId="acc_12345678" />);
  return fake;
}

const attachments = () => screen.getByRole('region', { name: 'Attachments' });

/** jsdom loads no frame: the app's empty frame page is stood in, and "load" fired by hand. */
function frameDocument(): Document {
  const iframe = screen.getByTitle('Message body') as HTMLIFrameElement;
  const doc = iframe.contentDocument!;
  if (!doc.documentElement) doc.appendChild(doc.createElement('html'));
  if (!doc.body) doc.documentElement.appendChild(doc.createElement('body'));
  fireEvent.load(iframe);
  return doc;
}

describe('attachments in the reader', () => {
  it('each has Save and Open, named with the file (the name as it will be saved)', () => {
    reader({});
    const region = attachments();
    for (const name of ['logo.png', 'invoice.pdf', 'setup.exe']) {
      expect(within(region).getByRole('button', { name: `Save ${name}` }).textContent).toBe('Save');
      expect(within(region).getByRole('button', { name: `Open ${name}` }).textContent).toBe('Open');
    }
    // The override is gone: the name shows what the file is.
    expect(within(region).getByRole('button', { name: 'Save billfdp.exe' })).toBeTruthy();
    expect(region.textContent).not.toContain('\u202E');
  });

  it('Save on the desktop: main asks where and saves; the reader says so', async () => {
    const { invoke } = reader({ 'attachments.save': { ok: true, value: { result: 'saved', fileName: 'invoice.pdf' } } });
    fireEvent.click(screen.getByRole('button', { name: 'Save invoice.pdf' }));
    await waitFor(() => expect(attachments().textContent).toContain('Saved “invoice.pdf”.'));
    expect(invoke).toHaveBeenCalledWith('attachments.save', { accountId: 'acc_12345678', folder: 'INBOX', uid: 9, part: 1 });
  });

  it('Save cancelled in the dialog says nothing', async () => {
    const { invoke } = reader({ 'attachments.save': { ok: true, value: { result: 'cancelled' } } });
    fireEvent.click(screen.getByRole('button', { name: 'Save invoice.pdf' }));
    await waitFor(() => expect(invoke).toHaveBeenCalled());
    await waitFor(() => expect(attachments().textContent).not.toMatch(/Sav(ed|ing)/));
  });

  it('Save in a browser (web mode): the browser downloads the part from the app, under the sanitized name', async () => {
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download });
    });
    reader({ 'attachments.save': { ok: true, value: { result: 'download', fileName: 'invoice.pdf' } } });
    fireEvent.click(screen.getByRole('button', { name: 'Save invoice.pdf' }));
    await waitFor(() => expect(clicked).toEqual([{ href: `/attachment/${KEY}/1`, download: 'invoice.pdf' }]));
    // The notice is set as the link is clicked, and drawn on React's next render: waited for, not raced.
    await waitFor(() => expect(attachments().textContent).toContain('Downloading “invoice.pdf”.'));
    // The link was only a means: nothing is left in the page.
    expect(document.querySelectorAll('a[download]')).toHaveLength(0);
  });

  it('Open hands the file to main; a refusal (a program) is an alert with main’s reason', async () => {
    const { invoke } = reader({
      'attachments.open': (input: { part: number }) =>
        input.part === 2
          ? { ok: false, error: { code: 'INVALID_ARGUMENT', message: '“setup.exe” could run a program or a script on your computer. It was not opened. Save it instead.' } }
          : { ok: true, value: { result: 'opened', fileName: 'invoice.pdf' } },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open invoice.pdf' }));
    await waitFor(() => expect(attachments().textContent).toContain('Opened “invoice.pdf”.'));
    fireEvent.click(screen.getByRole('button', { name: 'Open setup.exe' }));
    expect((await screen.findByRole('alert')).textContent).toContain('could run a program');
    expect(invoke).toHaveBeenCalledWith('attachments.open', { accountId: 'acc_12345678', folder: 'INBOX', uid: 9, part: 2 });
  });

  it('without a way to reach main (or a part number) they are listed only', () => {
    render(<Reader message={message()} onReply={() => {}} />);
    expect(attachments().textContent).toContain('invoice.pdf');
    expect(screen.queryByRole('button', { name: /^(Save|Open) / })).toBeNull();
  });
});

describe('inline images (cid:)', () => {
  it('show the message’s own part, served by the app under its key, while a remote image stays blocked', () => {
    reader({});
    const iframe = screen.getByTitle('Message body') as HTMLIFrameElement;
    // The frame's policy is made for this message's parts (shared/mail-frame.ts).
    expect(iframe.getAttribute('src')).toBe(`mail-frame.html?remote=0&parts=${KEY}`);
    const doc = frameDocument();
    expect(doc.querySelector('img[alt=logo]')?.getAttribute('src')).toBe(`/mail-part/${KEY}/0`);
    expect(doc.querySelector('img[alt=remote]')?.hasAttribute('src')).toBe(false);
    // The inline image is not remote content: only the CDN's is counted.
    expect(screen.getByRole('status', { name: 'Remote content' }).textContent).toContain('1 item from cdn.shop.example');
  });

  it('without a key (or for a type that is not a raster image) a cid: image loads nothing', () => {
    reader({}, message({ partsKey: undefined }));
    expect(frameDocument().querySelector('img[alt=logo]')?.hasAttribute('src')).toBe(false);
    cleanup();
    reader({}, message({ attachments: [{ filename: 'logo.svg', contentType: 'image/svg+xml', size: 400, part: 0, contentId: 'logo@shop.example' }] }));
    expect(frameDocument().querySelector('img[alt=logo]')?.hasAttribute('src')).toBe(false);
  });
});
