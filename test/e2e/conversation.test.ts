import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addImapAccount, addPop3Account, ARTIFACTS, browserJourney, writeSettings } from '../support/browser-journey.js';
import { directConnection } from '../support/carol-through-proxy.js';
import { onServer } from '../support/mail-on-server.js';
import { user } from '../support/testbed.js';
import { waitFor } from '../support/wait-for.js';
import { startWebApp, type WebApp } from '../support/web-app.js';

/*
 * One conversation from end to end, in Chromium through `npm run web`, each person in an app of
 * their own against the test bed: Alice (IMAP) sends Bob a contract as an attachment; Bob (POP3)
 * saves it and gets the very bytes she sent, then replies with his signed copy attached; Alice
 * sees his reply in one conversation with the message she sent, and forwards it to Carol, whose
 * copy carries the signed file byte for byte; Search finds the conversation in every folder;
 * Delete, then Undo, puts Bob's reply back, in the list and on the server.
 *
 * Every step is checked as a person sees it: names of controls and rows, the status line, no
 * alert. Subjects carry this run's tag, so other files' mail for alice, bob and carol does not
 * matter. Bob's POP3 account leaves every message on the server (others read his mail over IMAP).
 * Both apps send at once (no undo window: journey.test.ts shows that one).
 */

const NO_UNDO_WINDOW = { undoSendSeconds: 0 };
const alice = browserJourney('mua-e2e-conversation-alice-', { prepare: (dataDir) => writeSettings(dataDir, NO_UNDO_WINDOW) });
const tag = randomUUID().slice(0, 8);
const subject = `Contract to sign ${tag}`;
const reply = `Re: ${subject}`;
const forward = `Fwd: ${reply}`;
const CONTRACT = Buffer.concat([Buffer.from('%PDF-1.7\n% the contract\n'), randomBytes(60_000)]);
const SIGNED = Buffer.concat([Buffer.from('%PDF-1.7\n% signed by Bob\n'), randomBytes(60_000)]);

let bobApp: WebApp;
let bobDir: string;
let bob: Page;
let files: string;
/** Requests Bob's page made anywhere but his app's own origin. */
const bobForeignRequests: string[] = [];
const server: Partial<Record<'alice' | 'carol', ImapFlow>> = {};

beforeAll(async () => {
  bobDir = mkdtempSync(join(tmpdir(), 'mua-e2e-conversation-bob-'));
  writeSettings(bobDir, NO_UNDO_WINDOW);
  bobApp = await startWebApp(bobDir);
  bob = await (await alice.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })).newPage();
  bob.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(bobApp.origin) && !url.startsWith(bobApp.origin.replace('http', 'ws'))) bobForeignRequests.push(url);
  });
  files = mkdtempSync(join(tmpdir(), 'mua-e2e-conversation-files-'));
  writeFileSync(join(files, 'contract.pdf'), CONTRACT);
  writeFileSync(join(files, 'contract-signed.pdf'), SIGNED);
  server.alice = await directConnection('alice');
  server.carol = await directConnection('carol');
});

afterAll(async () => {
  await bobApp?.stop();
  for (const client of Object.values(server)) await client?.logout();
  if (bobDir) rmSync(bobDir, { recursive: true, force: true });
  if (files) rmSync(files, { recursive: true, force: true });
});

const list = (page: Page) => page.getByRole('list', { name: 'Messages' });
/** The rows whose subject is exactly `text` (a forward's "Fwd: Re: …" is not its reply's "Re: …"). */
const row = (page: Page, text: string) => list(page).getByRole('button').filter({ has: page.getByText(text, { exact: true }) });
const reader = (page: Page) => page.getByRole('article', { name: 'Message' });
const folders = (page: Page) => page.getByRole('navigation', { name: 'Folders' });
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `e2e-conversation-${name}.png`) });

/** Waits for a row with exactly this subject, clicking Refresh now and then (a POP3 Inbox is checked on Refresh). */
async function waitForRow(page: Page, text: string) {
  const rows = row(page, text);
  await expect
    .poll(
      async () => {
        const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
        if ((await rows.count()) === 0 && (await refresh.isEnabled())) await refresh.click();
        return rows.count();
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBeGreaterThanOrEqual(1);
  return rows.first();
}

async function attach(page: Page, name: string) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach files', exact: true }).click();
  await (await chooser).setFiles(join(files, name));
  await expect.poll(() => page.getByRole('list', { name: 'Attachments' }).textContent()).toContain(name);
}

/** Send, then the status line says the message went (the app hands it to the server at once here). */
async function send(page: Page, to: string) {
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: `Message sent to ${to}` }).count(), { timeout: 30_000 }).toBe(1);
  expect(await page.getByRole('alert').count()).toBe(0);
}

/** The one message with this subject in a folder on the server, once it is there. */
function theOneOnServer(who: 'alice' | 'carol', folder: string, text: string) {
  return waitFor(async () => {
    const found = await onServer(server[who]!, folder, text);
    return found.length === 1 ? found[0] : undefined;
  }, `“${text}” in ${who}’s ${folder}`, 30_000);
}

describe('a conversation between Alice (IMAP) and Bob (POP3), forwarded to Carol, in Chromium', () => {
  it('Alice adds her IMAP account and Bob his POP3 account, each in an app of their own', async () => {
    await alice.page.goto(alice.app.url);
    await addImapAccount(alice.page, 'alice', { screenshot: 'e2e-conversation-01-alice-imap-form.png' });
    await bob.goto(bobApp.url);
    await addPop3Account(bob, 'bob', { name: 'Bob Example', screenshot: 'e2e-conversation-02-bob-pop3-form.png' });
    for (const page of [alice.page, bob]) {
      await expect.poll(() => page.getByRole('heading', { name: 'Inbox', exact: true }).count()).toBe(1);
      expect(await page.getByRole('alert').count()).toBe(0);
    }
  });

  it('Alice writes to Bob with the contract attached, and finds her copy in Sent', async () => {
    const page = alice.page;
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await page.getByLabel('To', { exact: true }).fill(user('bob').email);
    await page.getByLabel('Subject', { exact: true }).fill(subject);
    await page.getByLabel('Message', { exact: true }).fill('Hi Bob,\nthe contract is attached: sign it, please.\nAlice');
    await attach(page, 'contract.pdf');
    await shot(page, '03-alice-compose');
    await send(page, user('bob').email);
    // Her copy is in Sent, attachment and all (and so in the store her conversations are drawn from).
    await folders(page).getByRole('button', { name: /^Sent\b/ }).click();
    expect(await (await waitForRow(page, subject)).textContent()).toContain(', has attachment');
    await folders(page).getByRole('button', { name: /^Inbox\b/ }).click();
  });

  it('Bob’s POP3 Inbox gets it; he reads it and saves the attachment: the very bytes Alice sent', async () => {
    const message = await waitForRow(bob, subject);
    expect(await message.textContent()).toContain('Alice Example');
    expect(await message.textContent()).toContain(', unread, has attachment');
    await message.click();
    await expect.poll(() => reader(bob).getByRole('heading', { level: 2 }).textContent()).toBe(subject);
    expect(await reader(bob).textContent()).toContain('the contract is attached: sign it, please.');
    const attachments = reader(bob).getByRole('region', { name: 'Attachments' });
    const [download] = await Promise.all([bob.waitForEvent('download'), attachments.getByRole('button', { name: 'Save contract.pdf', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('contract.pdf');
    expect(readFileSync(await download.path()).equals(CONTRACT)).toBe(true);
    await expect.poll(() => attachments.textContent()).toContain('Downloading “contract.pdf”.');
    await shot(bob, '04-bob-reads');
  });

  it('Bob replies with his signed copy attached', async () => {
    await reader(bob).getByRole('button', { name: 'Reply', exact: true }).click();
    expect(await bob.getByLabel('To', { exact: true }).inputValue()).toBe(`Alice Example <${user('alice').email}>`);
    expect(await bob.getByLabel('Subject', { exact: true }).inputValue()).toBe(reply);
    const text = bob.getByLabel('Message', { exact: true });
    expect(await text.inputValue()).toContain('> the contract is attached: sign it, please.');
    await text.press('Control+Home');
    await text.pressSequentially('Signed: here it is.\n');
    await attach(bob, 'contract-signed.pdf');
    await shot(bob, '05-bob-reply');
    await send(bob, user('alice').email);
  });

  it('Alice sees Bob’s reply in one conversation with the message she sent', async () => {
    const page = alice.page;
    await waitForRow(page, reply);
    await page.getByRole('checkbox', { name: 'Conversations', exact: true }).check();
    // The conversation's row is Bob's reply, the newest; the count takes in Alice's message in Sent.
    const conversation = list(page).getByRole('listitem').filter({ hasText: reply });
    const unfold = conversation.getByRole('button', { name: 'Unfold conversation, 2 messages', exact: true });
    // The store threads a new message a moment after keeping it (main/store/store-writer-worker.ts)
    // and then says so (messages.changed): the list redraws by itself, no Refresh.
    await expect
      .poll(() => unfold.count(), { timeout: 20_000, interval: 250 })
      .toBe(1);
    expect(await conversation.getByRole('button', { name: /, 2 messages in conversation$/ }).count()).toBe(1);
    await unfold.click();
    const mine = list(page).getByRole('listitem').filter({ has: page.getByText(subject, { exact: true }) });
    await expect.poll(() => mine.count()).toBe(1);
    expect(await mine.getByRole('button').textContent()).toMatch(/^Alice Example.*, has attachment, in Sent/);
    expect(await conversation.getByRole('button', { name: 'Fold conversation, 2 messages', exact: true }).count()).toBe(1);
    await shot(page, '06-alice-conversation');
  });

  it('Alice forwards Bob’s reply to Carol; Carol’s copy carries the signed file byte for byte', async () => {
    const page = alice.page;
    await row(page, reply).click();
    await expect.poll(() => reader(page).getByRole('heading', { level: 2 }).textContent()).toBe(reply);
    expect(await reader(page).textContent()).toContain('Signed: here it is.');
    await reader(page).getByRole('button', { name: 'Forward', exact: true }).click();
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe(forward);
    const attachments = page.getByRole('list', { name: 'Attachments' });
    expect(await attachments.textContent()).toContain('contract-signed.pdf');
    expect(await attachments.textContent()).toContain('(from the forwarded message)');
    expect(await page.getByRole('button', { name: 'Remove contract-signed.pdf', exact: true }).count()).toBe(1);
    await page.getByLabel('To', { exact: true }).fill(user('carol').email);
    await shot(page, '07-alice-forward');
    await send(page, user('carol').email);

    const carols = await theOneOnServer('carol', 'INBOX', forward);
    const mail = await simpleParser(carols.source);
    expect(mail.from?.value).toEqual([{ name: 'Alice Example', address: user('alice').email }]);
    expect(mail.attachments.map((a) => a.filename)).toEqual(['contract-signed.pdf']);
    expect(mail.attachments[0]!.content.equals(SIGNED)).toBe(true);
    expect(mail.text).toContain('Signed: here it is.');
  });

  it('Search finds the conversation in every folder, each result naming its folder', async () => {
    const page = alice.page;
    const searchbox = page.getByRole('searchbox', { name: 'Search' });
    const found = (text: string, folder: string) =>
      list(page).getByRole('button', { name: new RegExp(`, in ${folder}$`) }).filter({ has: page.getByText(text, { exact: true }) });
    // Search reads the copy on this computer, which has the forward's copy in Sent without anyone
    // opening Sent (it is synced right after it is filed); a search typed before that moment is typed again.
    await expect
      .poll(
        async () => {
          if ((await found(forward, 'Sent').count()) === 0) {
            await searchbox.fill('');
            await searchbox.fill(tag);
          }
          return found(forward, 'Sent').count();
        },
        { timeout: 10_000, interval: 500 },
      )
      .toBe(1);
    expect(await found(reply, 'Inbox').count()).toBe(1);
    expect(await found(subject, 'Sent').count()).toBe(1);
    expect(await page.getByText('3 messages found in all folders.', { exact: true }).count()).toBe(1);
    await shot(page, '08-alice-search');
    await searchbox.press('Escape');
    expect(await searchbox.inputValue()).toBe('');
  });

  it('Delete, then Undo: Bob’s reply goes to Trash and comes back to the Inbox, in the list and on the server', async () => {
    const page = alice.page;
    await row(page, reply).click();
    await expect.poll(() => reader(page).getByRole('heading', { level: 2 }).textContent()).toBe(reply);
    await reader(page).getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Message moved to Trash.' }).count()).toBe(1);
    await expect.poll(() => row(page, reply).count()).toBe(0);
    // Done on the server before Undo, so Undo has to move it back there.
    await theOneOnServer('alice', 'Trash', reply);
    await shot(page, '09-alice-deleted');

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Message back in Inbox.' }).count()).toBe(1);
    await expect.poll(() => row(page, reply).count(), { timeout: 20_000 }).toBe(1);
    const back = await theOneOnServer('alice', 'INBOX', reply);
    expect(back.flags).toEqual(['\\Seen']);
    expect(await onServer(server.alice!, 'Trash', reply)).toEqual([]);
    expect(await page.getByRole('alert').count()).toBe(0);
    await shot(page, '10-alice-undone');
  });

  it('neither app loaded anything from anywhere but its own loopback origin', () => {
    expect(alice.foreignRequests).toEqual([]);
    expect(bobForeignRequests).toEqual([]);
  });
});
