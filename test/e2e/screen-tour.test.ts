import { readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, type AxeFinding } from '../support/axe-scan.js';
import { ARTIFACTS, writeSettings } from '../support/browser-journey.js';
import { selfSignedCertificate } from '../support/certificates.js';
import { discoveryJourney } from '../support/discovery-journey.js';
import { reply, startFakeSmtp, type FakeSmtp } from '../support/fake-smtp.js';
import { PNG_1X1_BYTES } from '../support/reader-messages.js';
import { testbed } from '../support/testbed.js';
import { seedTourProfile, TOUR } from '../support/tour-profile.js';

/*
 * A tour of every screen of the app, in Chromium through `npm run web`, in the light theme, the
 * dark theme, and at the size of a 1280×800 window zoomed to 200% (where the panes stack): each
 * screen is photographed into test/artifacts/ as tour-<variant>-<nn>-<screen>.png (a stable,
 * named set) and scanned with axe-core (the version pinned in package.json): no serious or
 * critical violation (test/support/axe-scan.ts says why the message frame's own content is not
 * scanned).
 *
 * The mail is a seeded profile (test/support/tour-profile.ts), so every run shows the same
 * screens and no mail server is touched: its accounts have no password kept, which is how the
 * password prompt is reached. The setup wizard finds its settings in an ISPDB on loopback
 * (discovery-journey.ts), held back once so the lookup in progress can be looked at; the
 * certificate prompt comes from a TLS listener on loopback with a self-signed certificate, for an
 * account added (and removed again) in each variant, whose mail goes to a fake SMTP server that
 * refuses the recipient (a failed message, in the status line and the outbox); the newsletter's
 * picture is served on loopback, and no request ever reaches it.
 */

let images: Server | undefined;
const imageHits: string[] = [];
let untrusted: TlsServer | undefined;
let untrustedPort = 0;
let refusingSmtp: FakeSmtp | undefined;
/** Requests the tour's pages made anywhere but the app's own origin. */
const foreignRequests: string[] = [];

/** The newsletter's picture and its tracking pixel would be asked for here; the tour checks they never are. */
async function startImageServer(): Promise<string> {
  images = createServer((request, response) => {
    imageHits.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    response.end(PNG_1X1_BYTES);
  });
  await new Promise<void>((resolve) => images!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
}

const tour = discoveryJourney('mua-e2e-tour-', '127.66.0.12', {
  prepare: async (dataDir) => {
    const bed = testbed();
    // A message sent goes to the server at once (the undo window is journey.test.ts's to show).
    writeSettings(dataDir, { undoSendSeconds: 0 });
    await seedTourProfile(dataDir, {
      imageOrigin: await startImageServer(),
      imap: { host: bed.imap.host, port: bed.imap.tlsPort, security: 'tls' },
      smtp: { host: bed.smtp.host, port: bed.smtp.submissionPort, security: 'starttls' },
    });
  },
});

beforeAll(async () => {
  const bed = testbed();
  tour.publish('Test bed mail', [
    { type: 'imap', host: bed.imap.host, port: bed.imap.tlsPort, socketType: 'SSL' },
    { type: 'smtp', host: bed.smtp.host, port: bed.smtp.submissionPort, socketType: 'STARTTLS' },
  ]);
  const certificate = selfSignedCertificate('mail.self-signed.test');
  untrusted = createTlsServer({ key: certificate.key, cert: certificate.cert }, (socket) => socket.end());
  untrusted.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => untrusted!.listen(0, '127.0.0.1', resolve));
  untrustedPort = (untrusted.address() as AddressInfo).port;
  refusingSmtp = await startFakeSmtp({ onRcpt: (address) => reply(550, `5.1.1 <${address}>: Recipient address rejected: User unknown`) });
});

/**
 * Once a run, the first time each account's Inbox is listed, the app brings every folder up to
 * date in the background; here that fails (no password) and says so. It happens here, before the
 * tour, so that every variant shows the same screens (the password prompt is a screen of its own).
 */
beforeAll(async () => {
  const page = tour.page;
  await page.goto(tour.app.url);
  await page.getByRole('alert').filter({ hasText: `No password is stored for ${TOUR.alice.email}` }).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: /^All inboxes\b/ }).click();
  await page.getByRole('alert').filter({ hasText: `No password is stored for ${TOUR.bob.email}` }).waitFor({ timeout: 20_000 });
  await page.goto('about:blank');
});

afterAll(async () => {
  await new Promise((resolve) => (images ? images.close(resolve) : resolve(undefined)));
  await new Promise((resolve) => (untrusted ? untrusted.close(resolve) : resolve(undefined)));
  await refusingSmtp?.close();
});

const VARIANTS: { name: string; options: BrowserContextOptions }[] = [
  { name: 'light', options: { viewport: { width: 1280, height: 800 }, colorScheme: 'light' } },
  { name: 'dark', options: { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' } },
  // A 1280×800 window at 200% zoom lays out as 640×400 CSS pixels at twice the density.
  { name: 'zoom200', options: { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2, colorScheme: 'light' } },
];

describe.each(VARIANTS)('every screen, $name', ({ name: variant, options }) => {
  let context: BrowserContext;
  let page: Page;
  /**
   * Photographs the screen as it stands (tour-<variant>-<name>.png: the whole page, or the window
   * for a dialog, which stays over the window as the page scrolls), then scans it: answers the
   * serious and critical findings.
   */
  async function screen(name: string, { dialog = false } = {}): Promise<AxeFinding[]> {
    await page.screenshot({ path: join(ARTIFACTS, `tour-${variant}-${name}.png`), fullPage: !dialog });
    return axeScan(page);
  }

  const list = () => page.getByRole('list', { name: 'Messages' });
  const row = (subject: string) => list().getByRole('button').filter({ has: page.getByText(subject, { exact: true }) });
  const reader = () => page.getByRole('article', { name: 'Message' });
  const folders = () => page.getByRole('navigation', { name: 'Folders' });
  const heading = (text: string) => page.getByRole('heading', { name: text, exact: true });
  const foldersToggle = () => page.getByRole('button', { name: 'Folders', exact: true });
  /** The sidebar's accounts and folders: where the panes stack (200%), unfolded first with the "Folders" button. */
  async function sidebar() {
    if ((await foldersToggle().count()) > 0 && (await foldersToggle().getAttribute('aria-expanded')) === 'false') await foldersToggle().click();
  }

  async function open(subject: string) {
    await row(subject).first().click();
    await expect.poll(() => reader().getByRole('heading', { level: 2 }).textContent()).toBe(subject);
  }

  beforeAll(async () => {
    // The set is this run's: no picture of a screen that is no longer there.
    for (const file of readdirSync(ARTIFACTS)) if (file.startsWith(`tour-${variant}-`)) rmSync(join(ARTIFACTS, file));
    context = await tour.browser.newContext(options);
    // A step that cannot find what it waits for says which, well within the test's own timeout.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    const { origin } = tour.app;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith(origin.replace('http', 'ws'))) foreignRequests.push(url);
    });
    await page.goto(tour.app.url);
  });
  afterAll(() => context?.close());

  it('the inbox with messages', async () => {
    await row(TOUR.subjects.newsletter).waitFor();
    expect(await screen('01-inbox')).toEqual([]);
    if (variant !== 'zoom200') {
      // Side by side, the folder tree is always there, with no button to fold it.
      expect(await foldersToggle().count()).toBe(0);
      expect(await folders().isVisible()).toBe(true);
      return;
    }
    // Stacked, the accounts and folders are folded away: the mail starts on the first screen.
    expect(await foldersToggle().getAttribute('aria-expanded')).toBe('false');
    expect(await folders().count()).toBe(0);
    expect((await row(TOUR.subjects.newsletter).boundingBox())!.y + 20).toBeLessThan(options.viewport!.height);
    await foldersToggle().click();
    await folders().waitFor();
    expect(await foldersToggle().getAttribute('aria-expanded')).toBe('true');
    expect(await screen('01b-folders-unfolded')).toEqual([]);
    await foldersToggle().click();
    await expect.poll(() => folders().count()).toBe(0);
  });

  it('conversations, one of them unfolded with the reply in Sent', async () => {
    await page.getByRole('checkbox', { name: 'Conversations', exact: true }).check();
    const conversation = list().getByRole('listitem').filter({ has: page.getByText(TOUR.subjects.reply, { exact: true }) });
    await conversation.getByRole('button', { name: 'Unfold conversation, 3 messages', exact: true }).click();
    await expect.poll(() => list().getByRole('button', { name: /, in Sent$/ }).count()).toBe(1);
    expect(await screen('02-conversations')).toEqual([]);
    await page.getByRole('checkbox', { name: 'Conversations', exact: true }).uncheck();
  });

  it('the reader: an HTML message, its remote content blocked', async () => {
    await open(TOUR.subjects.newsletter);
    const banner = reader().getByRole('status', { name: 'Remote content' });
    await expect.poll(() => banner.textContent()).toContain('Remote content was blocked');
    await expect
      .poll(() => page.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe[title="Message body"]')?.contentDocument?.querySelector('h1')?.textContent ?? ''))
      .toBe('Spring in the garden');
    expect(await screen('03-reader-html')).toEqual([]);
    expect(imageHits).toEqual([]);
  });

  it('the reader: the plain text of the HTML message', async () => {
    await reader().getByRole('button', { name: 'Plain text', exact: true }).click();
    await expect.poll(() => reader().textContent()).toContain('the tulips are out');
    expect(await screen('04-reader-plain-view')).toEqual([]);
  });

  it('the reader: the message’s source', async () => {
    await reader().getByRole('button', { name: 'View source', exact: true }).click();
    await expect.poll(() => reader().getByLabel('Message source').textContent()).toContain(`Subject: ${TOUR.subjects.newsletter}`);
    expect(await screen('05-reader-source')).toEqual([]);
    await reader().getByRole('button', { name: 'View source', exact: true }).click();
  });

  it('the reader: a plain-text message with an attachment', async () => {
    await open(TOUR.subjects.contract);
    await expect.poll(() => reader().getByRole('region', { name: 'Attachments' }).textContent()).toContain('office-contract.pdf');
    expect(await screen('06-reader-text')).toEqual([]);
  });

  it('a reply to it, in plain text', async () => {
    await reader().getByRole('button', { name: 'Reply', exact: true }).click();
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe(`Re: ${TOUR.subjects.contract}`);
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toContain('> attached is the contract');
    expect(await screen('07-reply')).toEqual([]);
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
  });

  it('a reply to the HTML message, in rich text', async () => {
    await open(TOUR.subjects.newsletter);
    await reader().getByRole('button', { name: 'Reply', exact: true }).click();
    await page.getByRole('toolbar', { name: 'Formatting' }).waitFor();
    await expect.poll(() => page.getByRole('textbox', { name: 'Message', exact: true }).textContent()).toContain('the tulips are out');
    expect(await screen('08-reply-rich')).toEqual([]);
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
  });

  it('a new message, in plain text', async () => {
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await page.getByLabel('Subject', { exact: true }).waitFor();
    expect(await page.getByRole('radio', { name: 'Plain text', exact: true }).isChecked()).toBe(true);
    expect(await screen('09-compose')).toEqual([]);
    // Chosen once, rich text is how the next new message opens (format-preference.ts).
    await page.getByRole('radio', { name: 'Rich text', exact: true }).check();
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
  });

  it('a new message, in rich text', async () => {
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await page.getByRole('toolbar', { name: 'Formatting' }).waitFor();
    expect(await screen('10-compose-rich')).toEqual([]);
    // Back to plain text for the next new message (the switch is made once the editor has given its text).
    await page.getByRole('radio', { name: 'Plain text', exact: true }).click();
    await page.getByLabel('Message', { exact: true }).and(page.locator('textarea')).waitFor();
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
  });

  it('Send without a password: the composer asks for it', async () => {
    await sendToGrace(page);
    const composer = page.getByRole('form', { name: 'New message' });
    await composer.getByRole('group', { name: 'Enter the password again' }).waitFor();
    expect(await composer.getByRole('alert').textContent()).toContain(`No password is stored for ${TOUR.alice.email}`);
    // The draft is saved once typing pauses, and says it could not be: waited for, so every variant shows it.
    await composer.getByText(/^The draft could not be saved/).waitFor();
    expect(await screen('11-compose-password')).toEqual([]);
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await heading('Inbox').waitFor();
  });

  it('the keyboard shortcuts', async () => {
    await heading('Inbox').focus();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await screen('12-shortcuts', { dialog: true })).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
  });

  it('search results from every folder', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).fill(TOUR.conversationWord);
    await page.getByText('3 messages found in all folders.', { exact: true }).waitFor();
    expect(await list().getByRole('button', { name: /, in Sent$/ }).count()).toBe(1);
    expect(await screen('13-search')).toEqual([]);
  });

  it('a search that finds nothing', async () => {
    await page.getByRole('searchbox', { name: 'Search' }).fill('xylophone');
    await page.getByText('No messages found in any folder.', { exact: true }).waitFor();
    expect(await screen('14-search-nothing')).toEqual([]);
    await page.getByRole('searchbox', { name: 'Search' }).press('Escape');
  });

  it('an empty folder', async () => {
    await sidebar();
    await folders().getByRole('button', { name: /^Drafts\b/ }).click();
    await heading('Drafts').waitFor();
    await page.getByText('No messages.', { exact: true }).waitFor();
    expect(await screen('15-empty-folder')).toEqual([]);
  });

  it('All inboxes', async () => {
    await sidebar();
    await page.getByRole('button', { name: /^All inboxes\b/ }).click();
    await heading('All inboxes').waitFor();
    await row('Team outing in June').waitFor();
    expect(await screen('16-all-inboxes')).toEqual([]);
    await sidebar();
    await page.getByRole('button', { name: TOUR.alice.email, exact: true }).click();
    await folders().getByRole('button', { name: /^Inbox\b/ }).click();
    await heading('Inbox').waitFor();
  });

  it('the outbox, empty', async () => {
    await page.getByRole('button', { name: 'Outbox', exact: true }).click();
    await page.getByText('The outbox is empty: nothing is waiting to be sent.', { exact: true }).waitFor();
    expect(await screen('17-outbox-empty')).toEqual([]);
  });

  it('account settings', async () => {
    await sidebar();
    await page.getByRole('button', { name: 'Account settings', exact: true }).click();
    await heading(`Account settings: ${TOUR.alice.email}`).waitFor();
    expect(await screen('18-account-settings')).toEqual([]);
  });

  it('the identities editor, inside the one settings form', async () => {
    await page.getByRole('button', { name: 'Add identity', exact: true }).click();
    const identity = page.getByRole('form', { name: 'Account settings' }).getByRole('group', { name: 'New identity' });
    await identity.getByRole('heading', { name: 'New identity', exact: true }).waitFor();
    // One Save and one Cancel on the page, at the end of the form (the identity is kept by that Save).
    expect(await page.getByRole('button', { name: 'Save', exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Save', exact: true }).scrollIntoViewIfNeeded();
    expect(await screen('19-identity-editor')).toEqual([]);
    await identity.getByRole('button', { name: 'Discard new identity', exact: true }).click();
    await page.getByRole('form', { name: 'Account settings' }).getByRole('button', { name: 'Cancel', exact: true }).click();
    await heading('Inbox').waitFor();
  });

  it('the password prompt, when the server needs a password the app does not have', async () => {
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const prompt = page.getByRole('group', { name: 'Enter the password again' });
    await prompt.waitFor();
    expect(await page.getByRole('alert').count()).toBe(1);
    expect(await screen('20-password-prompt')).toEqual([]);
  });

  it('the setup wizard: name, address and password', async () => {
    await sidebar();
    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    await heading('Add account').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Carol Example');
    await page.getByLabel('Email address').fill(`carol@${testbed().domain}`);
    expect(await screen('21-wizard')).toEqual([]);
  });

  it('the setup wizard: looking up the settings', async () => {
    let release!: () => void;
    const page_ = tour.ispdb.pages.get(`ispdb.test/v1.1/${testbed().domain}`)!;
    tour.ispdb.pages.set(`ispdb.test/v1.1/${testbed().domain}`, { ...page_, until: new Promise<void>((resolve) => (release = resolve)) });
    try {
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.getByRole('status').filter({ hasText: `Looking up the settings for ${testbed().domain}` }).waitFor();
      expect(await screen('22-wizard-looking-up')).toEqual([]);
    } finally {
      tour.ispdb.pages.set(`ispdb.test/v1.1/${testbed().domain}`, page_);
      release();
    }
  });

  it('the setup wizard: the settings found, to review', async () => {
    await heading('Review your settings').waitFor({ timeout: 20_000 });
    expect(await page.getByLabel('IMAP server').inputValue()).toBe(testbed().imap.host);
    expect(await screen('23-wizard-review')).toEqual([]);
  });

  it('the manual form', async () => {
    await page.getByRole('button', { name: 'Set up manually', exact: true }).click();
    await page.getByLabel('IMAP server').waitFor();
    expect(await screen('24-manual-form')).toEqual([]);
  });

  it('the certificate prompt, for a server whose certificate no one vouches for', async () => {
    await page.getByLabel('Password', { exact: true }).fill('any password');
    await page.getByLabel('IMAP server').fill('127.0.0.1');
    await page.getByLabel('IMAP security').selectOption('tls');
    await page.getByLabel('IMAP port').fill(String(untrustedPort));
    // Sending goes to a server of the test's own that refuses the recipient (a later screen).
    await page.getByLabel('SMTP server').fill('127.0.0.1');
    await page.getByLabel('SMTP security').selectOption('tls');
    await page.getByLabel('SMTP port').fill(String(refusingSmtp!.port));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    // Kept, then stopped at the first connection: the mailbox shows the certificate to judge.
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('is not trusted');
    expect(await alert.getByRole('button', { name: 'Trust this certificate', exact: true }).count()).toBe(1);
    expect(await screen('25-certificate')).toEqual([]);
  });

  it('a message the server refused, in the status line and in the outbox', async () => {
    await sendToGrace(page);
    await page.getByRole('status').filter({ hasText: 'Message not sent.' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').filter({ hasText: 'Recipient address rejected: User unknown' }).count()).toBe(1);
    expect(await screen('26-send-failed')).toEqual([]);
    await page.getByRole('button', { name: 'Outbox', exact: true }).click();
    const item = page.getByRole('list', { name: 'Outbox messages' }).getByRole('listitem').filter({ hasText: 'Slides for Thursday' });
    await item.getByRole('button', { name: 'Retry', exact: true }).waitFor();
    expect(await screen('27-outbox-failed')).toEqual([]);
    // Cancel takes it back to the composer, and Discard throws it away: the outbox is empty again.
    await item.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe('Slides for Thursday');
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await heading('Inbox').waitFor();
  });

  it('removing an account, asked first', async () => {
    await sidebar();
    await page.getByRole('button', { name: 'Remove account', exact: true }).click();
    const confirm = page.getByRole('group', { name: 'Confirm removing the account' });
    expect(await confirm.textContent()).toContain(`Remove carol@${testbed().domain}?`);
    expect(await screen('28-remove-account')).toEqual([]);
    await confirm.getByRole('button', { name: `Remove carol@${testbed().domain}`, exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Removed carol@${testbed().domain} from this computer.` }).waitFor();
    await sidebar();
    expect(await page.getByRole('button', { name: /@/ }).allTextContents()).toEqual([TOUR.alice.email, TOUR.bob.email]);
  });

  it('loaded nothing from anywhere but its own loopback origin', () => {
    expect(foreignRequests).toEqual([]);
    expect(tour.foreignRequests).toEqual([]);
    expect(imageHits).toEqual([]);
  });
});

describe('the scan itself', () => {
  it('finds what it should: an unnamed button, text too faint to read, inside the app’s own page', async () => {
    const context = await tour.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(tour.app.url);
      await page.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
      await page.evaluate(() => {
        const main = document.querySelector('main')!;
        main.append(document.createElement('button'));
        // Through the CSSOM: the app's CSP refuses style attributes written in HTML.
        const faint = Object.assign(document.createElement('p'), { textContent: 'faint words' });
        faint.style.color = '#eee';
        faint.style.background = '#fff';
        main.append(faint);
      });
      expect((await axeScan(page)).map((f) => f.id).sort()).toEqual(['button-name', 'color-contrast']);
    } finally {
      await context.close();
    }
  });
});

/** Writes a short message to Grace and presses Send (the tour's two sends that do not go through). */
async function sendToGrace(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await page.getByLabel('To', { exact: true }).fill('grace@navy.example');
  await page.getByLabel('Subject', { exact: true }).fill('Slides for Thursday');
  await page.getByLabel('Message', { exact: true }).fill('Grace, the slides follow tomorrow.');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}
