import { AxeBuilder } from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withImap } from '../../main/imap/connect.js';
import type { Account } from '../../shared/schemas.js';
import { inMemoryService, sendAndSettle, testbedAccount, value } from '../support/accounts.js';
import { addImapAccount } from '../support/browser-journey.js';
import { launchChromium } from '../support/chromium.js';
import { user } from '../support/testbed.js';
import { waitFor } from '../support/wait-for.js';
import { startWebApp, type WebApp } from '../support/web-app.js';

/*
 * The composer in Chromium through `npm run web`, against the test bed: Alice writes to Carol,
 * whose address she has seen (Carol wrote first), with a file from the picker after the
 * attachment reminder; the message is read on Carol's side over IMAP. Then a draft saved by
 * itself and reopened from Drafts, and a message sent later, seen and cancelled in the outbox.
 * Then the report forwarded from Sent with its attachment (read by main from the kept copy), and
 * a message written in rich text with words made bold, which Carol receives bold, and one with a
 * table, which she receives as a table (and as columns in the text part).
 * Subjects are the journey's own, so other tests' mail for alice and carol does not matter.
 */

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
// The pinned axe-core itself, not the copy @axe-core/playwright carries.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const tag = randomUUID().slice(0, 8);
const subjects = {
  hello: `Hello from Carol ${tag}`,
  report: `Quarterly report ${tag}`,
  draft: `Unfinished plan ${tag}`,
  later: `Send me later ${tag}`,
  bold: `In bold ${tag}`,
  table: `A table ${tag}`,
};

let app: WebApp;
let browser: Browser;
let page: Page;
let dataDir: string;
let filesDir: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'mua-e2e-compose-'));
  filesDir = mkdtempSync(join(tmpdir(), 'mua-e2e-compose-files-'));
  // Carol writes to Alice first: her address is then one Alice's store has seen.
  const carolApp = inMemoryService();
  try {
    const carol = value(await carolApp.client.invoke('accounts.add', { ...testbedAccount('carol'), name: 'Carol Example' }));
    const sent = await sendAndSettle(carolApp, { accountId: carol.id, to: [user('alice').email], subject: subjects.hello, text: 'Hi Alice, write back any time.' });
    expect(sent.state).toBe('sent');
  } finally {
    await carolApp.stop();
  }
  app = await startWebApp(dataDir);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(filesDir, { recursive: true, force: true });
});

function carolImap(): { account: Account; password: string } {
  const { password, ...input } = testbedAccount('carol');
  return { account: { ...input, id: 'acc_compose_e2e', sentCopy: 'append' }, password };
}

/** The source of the message in carol's Inbox with this subject, once it is there. */
function inCarolsInbox(subject: string): Promise<string | undefined> {
  const { account, password } = carolImap();
  return withImap(account, password, async (client: ImapFlow) => {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const uids = await client.search({ subject }, { uid: true });
      if (!uids || uids.length === 0) return undefined;
      const [message] = await client.fetchAll(uids.slice(-1), { source: true }, { uid: true });
      return message?.source?.toString('utf8');
    } finally {
      lock.release();
    }
  });
}

const folders = () => page.getByRole('navigation', { name: 'Folders' });
const row = (subject: string) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject });

async function waitForRow(subject: string) {
  await expect
    .poll(
      async () => {
        if ((await row(subject).count()) === 0) await page.getByRole('button', { name: 'Refresh', exact: true }).click();
        return row(subject).count();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBe(1);
}

describe('composing in Chromium through `npm run web`', () => {
  it('adds Alice’s account and sees Carol’s message', async () => {
    await page.goto(app.url);
    await addImapAccount(page, 'alice');
    await waitForRow(subjects.hello);
  });

  it('suggests Carol’s address, reminds of the attachment, attaches by the picker and sends; Carol gets it', async () => {
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    const to = page.getByRole('combobox', { name: 'To', exact: true });
    await to.click();
    await to.pressSequentially('carol');
    const suggestion = page.getByRole('listbox', { name: 'To suggestions' }).getByRole('option', { name: `Carol Example <${user('carol').email}>` });
    await expect.poll(() => suggestion.count(), { timeout: 5_000 }).toBe(1);
    expect(await to.getAttribute('aria-expanded')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-01-autocomplete.png') });
    await to.press('ArrowDown');
    await to.press('Enter');
    expect(await to.inputValue()).toBe(`Carol Example <${user('carol').email}>, `);

    await page.getByLabel('Subject', { exact: true }).fill(subjects.report);
    await page.getByLabel('Message', { exact: true }).fill('Hi Carol,\nthe report is attached.\nAlice');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const reminder = page.getByRole('dialog', { name: 'Forgot the attachment?' });
    await expect.poll(() => reminder.count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-02-reminder.png') });

    const file = join(filesDir, 'report.txt');
    writeFileSync(file, 'Revenue: up.\n');
    const chooser = page.waitForEvent('filechooser');
    await reminder.getByRole('button', { name: 'Attach a file', exact: true }).click();
    await (await chooser).setFiles(file);
    const attachments = page.getByRole('list', { name: 'Attachments' });
    await expect.poll(() => attachments.textContent()).toContain('report.txt');
    expect(await attachments.textContent()).toContain('13 B');
    expect(await page.getByRole('button', { name: 'Remove report.txt' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-03-attached.png') });

    await page.getByRole('button', { name: 'Send', exact: true }).click();
    expect(await reminder.count()).toBe(0);
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Message sent');

    const source = await waitFor(() => inCarolsInbox(subjects.report), 'the report in Carol’s Inbox', 20_000);
    expect(source).toMatch(/filename="?report\.txt/);
    expect(source).toContain(Buffer.from('Revenue: up.\n').toString('base64'));
    expect(source).toMatch(/^From: Alice Example/m);
  });

  it('saves a draft by itself, and reopens it from Drafts with Edit draft', async () => {
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await page.getByLabel('To', { exact: true }).fill(user('carol').email);
    await page.getByLabel('Subject', { exact: true }).fill(subjects.draft);
    await page.getByLabel('Message', { exact: true }).fill('Step one: think.');
    await expect.poll(() => page.locator('.draft-saved').textContent(), { timeout: 10_000 }).toMatch(/^Draft saved at/);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-04-draft-saved.png') });

    await folders().getByRole('button', { name: /^Drafts\b/ }).click();
    await waitForRow(subjects.draft);
    await page.getByRole('list', { name: 'Messages' }).getByRole('button').filter({ hasText: subjects.draft }).click();
    await page.getByRole('button', { name: 'Edit draft', exact: true }).click();
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe(subjects.draft);
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('Step one: think.');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toContain(user('carol').email);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-05-draft-reopened.png') });
    // Thrown away: the draft leaves the Drafts folder.
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      return row(subjects.draft).count();
    }, { timeout: 20_000, interval: 500 }).toBe(0);
    await folders().getByRole('button', { name: /^Inbox\b/ }).click();
  });

  it('sends later: the outbox shows it scheduled, with the sent message; Cancel brings it back to the composer', async () => {
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await page.getByLabel('To', { exact: true }).fill(user('carol').email);
    await page.getByLabel('Subject', { exact: true }).fill(subjects.later);
    await page.getByLabel('Message', { exact: true }).fill('For tomorrow.');
    await page.getByRole('button', { name: 'Send later', exact: true }).click();
    expect(await page.getByLabel('Send at', { exact: true }).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    await page.getByRole('button', { name: 'Schedule send', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Scheduled to send at');

    await page.getByRole('button', { name: 'Outbox', exact: true }).click();
    const items = page.getByRole('list', { name: 'Outbox messages' });
    const later = items.getByRole('listitem').filter({ hasText: subjects.later });
    await expect.poll(() => later.textContent()).toContain('Scheduled to send at');
    const sent = items.getByRole('listitem').filter({ hasText: subjects.report });
    expect(await sent.textContent()).toContain('Sent');
    expect(await sent.getByRole('button').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-06-outbox.png') });

    await later.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe(subjects.later);
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('For tomorrow.');
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await page.getByRole('button', { name: 'Outbox', exact: true }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Outbox messages' }).getByRole('listitem').filter({ hasText: subjects.later }).count()).toBe(0);
  });

  it('forwards the report from Sent with its attachment listed, and Carol gets the same file', async () => {
    await folders().getByRole('button', { name: /^Sent\b/ }).click();
    await waitForRow(subjects.report);
    await page.getByRole('list', { name: 'Messages' }).getByRole('button').filter({ hasText: subjects.report }).click();
    await page.getByRole('button', { name: 'Forward', exact: true }).click();
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe(`Fwd: ${subjects.report}`);
    const attachments = page.getByRole('list', { name: 'Attachments' });
    expect(await attachments.textContent()).toContain('report.txt');
    expect(await page.getByRole('button', { name: 'Remove report.txt', exact: true }).count()).toBe(1);
    await page.getByLabel('To', { exact: true }).fill(user('carol').email);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-07-forward.png') });
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Message sent');

    const source = await waitFor(() => inCarolsInbox(`Fwd: ${subjects.report}`), 'the forward in Carol’s Inbox', 20_000);
    expect(source).toMatch(/filename="?report\.txt/);
    expect(source).toContain(Buffer.from('Revenue: up.\n').toString('base64'));
    expect(source).toMatch(/^References: .*@/m);
    await folders().getByRole('button', { name: /^Inbox\b/ }).click();
  });

  it('writes in rich text with the Bold button; Carol gets the words bold, and a plain-text part beside them', async () => {
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await page.getByLabel('To', { exact: true }).fill(user('carol').email);
    await page.getByLabel('Subject', { exact: true }).fill(subjects.bold);
    await page.getByRole('radio', { name: 'Rich text', exact: true }).check();
    const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
    const bold = toolbar.getByRole('button', { name: 'Bold', exact: true });
    const message = page.getByRole('textbox', { name: 'Message', exact: true });
    await message.click();
    await page.keyboard.type('Dear Carol, this is ');
    await bold.click();
    expect(await bold.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.type('very important');
    await bold.click();
    await page.keyboard.type(' news.');
    expect(await message.innerHTML()).toContain('<strong>very important</strong>');
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-08-rich-text.png') });
    // The rich composer, toolbar and all, passes an axe scan (as the plain one does in screen-tour.test.ts).
    const axe = await new AxeBuilder({ page, axeSource: AXE_SOURCE }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Message sent');

    const source = await waitFor(() => inCarolsInbox(subjects.bold), 'the rich message in Carol’s Inbox', 20_000);
    const mail = await simpleParser(source);
    expect(mail.html).toBe('<p>Dear Carol, this is <strong>very important</strong> news.</p>');
    expect(mail.text?.trim()).toBe('Dear Carol, this is very important news.');
    expect(source).toMatch(/Content-Type: multipart\/alternative/);
  });

  it('writes a table with Insert table, Tab and Remove column; Carol gets it as a table, and as columns of text', async () => {
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await page.getByLabel('To', { exact: true }).fill(user('carol').email);
    await page.getByLabel('Subject', { exact: true }).fill(subjects.table);
    await page.getByRole('radio', { name: 'Rich text', exact: true }).check();
    const message = page.getByRole('textbox', { name: 'Message', exact: true });
    await message.click();
    await page.keyboard.type('Menu:');
    await page.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name: 'Insert table', exact: true }).click();
    const table = page.getByRole('toolbar', { name: 'Table' });
    await page.keyboard.type('Day');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Dish');
    await page.keyboard.press('Tab');
    await table.getByRole('button', { name: 'Remove column', exact: true }).click();
    await message.locator('td').first().click();
    for (const [i, text] of ['Monday', 'Soup', 'Tuesday', 'Salad'].entries()) {
      if (i > 0) await page.keyboard.press('Tab');
      await page.keyboard.type(text);
    }
    expect(await message.locator('tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => `${c.localName}:${c.textContent}`)))).toEqual([
      ['th:Day', 'th:Dish'],
      ['td:Monday', 'td:Soup'],
      ['td:Tuesday', 'td:Salad'],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-compose-09-table.png') });
    const axe = await new AxeBuilder({ page, axeSource: AXE_SOURCE }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 20_000 }).toContain('Message sent');

    const source = await waitFor(() => inCarolsInbox(subjects.table), 'the table in Carol’s Inbox', 20_000);
    const mail = await simpleParser(source);
    // The table whole, without the editor's column widths (style, <colgroup>).
    expect(mail.html).toMatch(
      /^<p>Menu:<\/p><table border="1" cellpadding="4" cellspacing="0"><tbody><tr><th><p>Day<\/p><\/th><th><p>Dish<\/p><\/th><\/tr><tr><td><p>Monday<\/p><\/td><td><p>Soup<\/p><\/td><\/tr><tr><td><p>Tuesday<\/p><\/td><td><p>Salad<\/p><\/td><\/tr><\/tbody><\/table>(<p><\/p>)?$/,
    );
    expect(mail.text?.trim()).toMatch(/^Menu:\n+Day +Dish\nMonday +Soup\nTuesday +Salad$/);
  });
});
