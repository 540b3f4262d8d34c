// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../../shared/schemas.js';
import { Reader } from '../../../renderer/features/reader/Reader.js';
import { fakeClient } from '../fake-client.js';

afterEach(cleanup);

const message = (more: Partial<MessageDetail> = {}): MessageDetail => ({
  uid: 7,
  from: { name: 'Shop', address: 'news@shop.example' },
  subject: 'Spring sale',
  date: '2026-03-02T12:00:00.000Z',
  unread: false,
  size: 5000,
  flagged: false,
  hasAttachments: true,
  receivedAt: 0,
  to: [{ name: 'Alice', address: 'alice@example.test' }],
  cc: [],
  replyTo: [],
  references: [],
  text: 'Spring sale: everything half price.',
  attachments: [{ filename: 'prices.pdf', contentType: 'application/pdf', size: 250_000 }],
  html: '<p>Sale!</p><img src="https://cdn.shop.example/hero.jpg" alt="hero"><img src="https://pixel.tracker.example/o.gif" width="1" height="1"><a href="https://evil.example.net/x">https://shop.example/sale</a><a href="https://shop.example/a">Shop now</a>',
  authenticationResults: ['mx.example.test; spf=pass smtp.mailfrom=shop.example; dkim=pass header.d=shop.example; dmarc=pass header.from=shop.example'],
  remoteContentAllowed: false,
  ...more,
});

const actions = { folder: 'INBOX', folders: [], onDelete: () => {}, onToggleRead: () => {}, onToggleFlag: () => {}, onMove: () => {} };

function reader(m: MessageDetail = message()) {
  const fake = fakeClient({
    'message.source': { ok: true, value: { source: 'From: news@shop.example\r\nSubject: Spring sale\r\n\r\n<p>Sale!</p>', size: 60, truncated: false } },
    'senders.allowRemoteContent': { ok: true, value: { allowed: true } },
    'links.open': { ok: true, value: { opened: true } },
  });
  const view = render(<Reader message={m} onReply={() => {}} actions={actions} client={fake.client} accountId="acc_12345678" />);
  return { ...fake, view };
}

const frame = () => screen.getByTitle('Message body') as HTMLIFrameElement;
/**
 * jsdom loads no frame document: the frame keeps its empty one, and "load" is fired by hand;
 * the reader then puts the sanitized message in. Returns the frame's document.
 */
function loadFrame() {
  const iframe = frame();
  const doc = iframe.contentDocument!;
  // What the app serves at mail-frame.html: an empty page.
  if (!doc.documentElement) doc.appendChild(doc.createElement('html'));
  if (!doc.body) doc.documentElement.appendChild(doc.createElement('body'));
  fireEvent.load(iframe);
  return doc;
}
/** The markup the reader put in the frame. */
const shown = () => loadFrame().body.innerHTML;

describe('the reader with an HTML message', () => {
  it('keeps its names: Message, Message actions, Reply, Delete', () => {
    reader();
    const article = screen.getByRole('article', { name: 'Message' });
    const toolbar = within(article).getByRole('toolbar', { name: 'Message actions' });
    expect(within(toolbar).getByRole('button', { name: 'Reply' })).toBeTruthy();
    expect(within(toolbar).getByRole('button', { name: 'Delete' })).toBeTruthy();
  });

  it('shows it in a sandboxed frame without scripts, under a CSP that blocks remote content', () => {
    reader();
    const iframe = frame();
    const sandbox = iframe.getAttribute('sandbox')!;
    expect(sandbox.split(/\s+/)).not.toContain('allow-scripts');
    expect(sandbox).not.toMatch(/allow-(popups|forms|top-navigation)/);
    // The frame's document comes from the app with its own policy, remote content off.
    expect(iframe.getAttribute('src')).toBe('mail-frame.html?remote=0');
    expect(iframe.hasAttribute('srcdoc')).toBe(false);
    const html = shown();
    expect(html).toContain('Sale!');
    expect(html).not.toContain('cdn.shop.example');
    expect(html).not.toContain('tracker.example');
  });

  it('says remote content was blocked, names the trackers, and loads it once when asked', () => {
    reader();
    const banner = screen.getByRole('status', { name: 'Remote content' });
    expect(banner.textContent).toContain('1 item from cdn.shop.example');
    expect(banner.textContent).toContain('1 tracking pixel blocked, from pixel.tracker.example');
    fireEvent.click(within(banner).getByRole('button', { name: 'Load remote content' }));
    expect(frame().getAttribute('src')).toBe('mail-frame.html?remote=1');
    const html = shown();
    expect(html).toContain('https://cdn.shop.example/hero.jpg');
    // The pixel stays out, and the banner now only says so.
    expect(html).not.toContain('tracker.example/o.gif');
    expect(screen.getByRole('status', { name: 'Remote content' }).textContent).not.toContain('was blocked');
    expect(screen.queryByRole('button', { name: 'Load remote content' })).toBeNull();
  });

  it('"Always load from this sender" remembers it through main', async () => {
    const { invoke } = reader();
    fireEvent.click(screen.getByRole('button', { name: 'Always load from this sender' }));
    await waitFor(() => expect(frame().getAttribute('src')).toBe('mail-frame.html?remote=1'));
    expect(shown()).toContain('https://cdn.shop.example/hero.jpg');
    expect(invoke).toHaveBeenCalledWith('senders.allowRemoteContent', { address: 'news@shop.example' });
  });

  it('loads at once for a remembered sender, but not when the message fails authentication', () => {
    reader(message({ remoteContentAllowed: true }));
    expect(shown()).toContain('https://cdn.shop.example/hero.jpg');
    cleanup();
    reader(message({ remoteContentAllowed: true, authenticationResults: ['mx.example.test; dmarc=fail header.from=shop.example'] }));
    expect(shown()).not.toContain('cdn.shop.example');
    expect(screen.queryByRole('button', { name: 'Always load from this sender' })).toBeNull();
    expect(screen.getByRole('status', { name: 'Remote content' }).textContent).toContain('failed authentication');
  });

  it('shows where a link goes on hover, asks before a link whose text shows another domain, opens others through main', async () => {
    const { invoke } = reader();
    const doc = loadFrame();
    const [phish, shop] = [...doc.querySelectorAll('a')];
    fireEvent.mouseOver(phish!);
    expect(screen.getByText('Link goes to https://evil.example.net/x')).toBeTruthy();
    fireEvent.click(phish!);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('shows shop.example, but it goes to evil.example.net');
    expect(invoke).not.toHaveBeenCalledWith('links.open', expect.anything());
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    fireEvent.click(shop!);
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('links.open', { url: 'https://shop.example/a' }));
    fireEvent.click(phish!);
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Open evil.example.net' }));
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('links.open', { url: 'https://evil.example.net/x' }));
  });

  it('a click on a link never navigates the frame', () => {
    reader();
    const doc = loadFrame();
    const event = new MouseEvent('click', { bubbles: true, cancelable: true });
    doc.querySelectorAll('a')[1]!.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
  });

  it('switches to plain text and to the source, and back', async () => {
    const { invoke } = reader();
    fireEvent.click(screen.getByRole('button', { name: 'Plain text' }));
    expect(screen.getByRole('button', { name: 'Plain text' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByTitle('Message body')).toBeNull();
    expect(screen.getByText('Spring sale: everything half price.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'View source' }));
    const source = await screen.findByLabelText('Message source');
    expect(source.textContent).toContain('Subject: Spring sale');
    expect(invoke).toHaveBeenCalledWith('message.source', { accountId: 'acc_12345678', folder: 'INBOX', uid: 7 });
    fireEvent.click(screen.getByRole('button', { name: 'View source' }));
    expect(screen.getByTitle('Message body')).toBeTruthy();
  });

  it('a source that cannot be read is an alert', async () => {
    const fake = fakeClient({ 'message.source': { ok: false, error: { code: 'NOT_FOUND', message: 'That message is no longer on the server.' } } });
    render(<Reader message={message()} onReply={() => {}} actions={actions} client={fake.client} accountId="acc_12345678" />);
    fireEvent.click(screen.getByRole('button', { name: 'View source' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no longer on the server');
  });

  it('lists attachments with their size, and shows the authentication badge with its explanation', () => {
    reader();
    const list = screen.getByRole('region', { name: 'Attachments' });
    expect(list.textContent).toContain('prices.pdf');
    expect(list.textContent).toContain('244 KB');
    expect(screen.getByText('Sender verified')).toBeTruthy();
    const results = screen.getByRole('list', { name: 'Authentication results' });
    expect(results.textContent).toContain('DKIM pass: it carries a valid signature for shop.example');
    expect(results.textContent).toContain('DMARC pass');
  });
});

describe('the reader with a text message', () => {
  it('shows the text as text, with no frame, banner or badge', () => {
    reader(message({ html: undefined, authenticationResults: [] }));
    expect(screen.getByText('Spring sale: everything half price.')).toBeTruthy();
    expect(screen.queryByTitle('Message body')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Plain text' })).toBeNull();
    expect(screen.queryByText(/Sender (verified|not verified|unchecked)/)).toBeNull();
  });
});
