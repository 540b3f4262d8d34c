import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../../shared/outbox.js';
import { inMemoryService, outboxItem, sendAndSettle, value } from '../../support/accounts.js';
import { reply, servicesAndFakeSmtp } from '../../support/fake-smtp.js';

const { service, fakeSmtp } = servicesAndFakeSmtp();

const message = (accountId: string, subject = 'Hello') => ({
  accountId,
  to: ['bob@example.test'],
  subject,
  text: 'Hi Bob',
});

describe('the outbox', () => {
  it('has the whole message on disk, fsynced, when Send returns, and nothing on the network yet', async () => {
    const fake = await fakeSmtp();
    const app = service({ undoDelayMs: 60_000 });
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const item = value(await app.client.invoke('mail.send', { ...message(alice.id, 'On disk first'), html: '<p>Hi</p>' }));

    expect(item.state).toBe('scheduled');
    // A small message rides, as written, inside its journal record (one durable write per
    // Send), with the Message-ID and Date it will be composed with.
    const journal = readFileSync(join(app.profile.outboxDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(journal).toEqual([
      expect.objectContaining({
        type: 'queued',
        id: item.id,
        messageId: item.messageId,
        date: expect.any(String),
        draft: expect.objectContaining({ subject: 'On disk first', text: 'Hi Bob', html: '<p>Hi</p>', to: ['bob@example.test'] }),
      }),
    ]);
    expect(fake.connections).toBe(0);
  });

  it('composes a draft after a restart with the Message-ID and Date it was queued with', async () => {
    const fake = await fakeSmtp();
    const first = inMemoryService({ undoDelayMs: 300 });
    const alice = value(await first.client.invoke('accounts.add', fake.account()));
    const item = value(await first.client.invoke('mail.send', message(alice.id, 'Identity kept')));
    const queued = JSON.parse(readFileSync(join(first.profile.outboxDir, 'journal.jsonl'), 'utf8').trim());
    await first.stop();
    const second = service({}, first.profile);
    await outboxItem(second, item.id, (i) => i.state === 'sent');
    const raw = fake.delivered[0]!.raw.toString('latin1');
    expect(raw).toContain(`Message-ID: ${item.messageId}`);
    expect(raw).toMatch(new RegExp(`^Date: ${new Date(queued.date).toUTCString().replace('GMT', '\\+0000')}`, 'm'));
  });

  it('keeps a large message composed in a file of its own, streamed, and still sends it after a restart', async () => {
    const fake = await fakeSmtp();
    const first = inMemoryService({ undoDelayMs: 300 });
    const alice = value(await first.client.invoke('accounts.add', fake.account()));
    const big = Buffer.alloc(600 * 1024, 7);
    const item = value(
      await first.client.invoke('mail.send', {
        ...message(alice.id, 'Large'),
        attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', contentBase64: big.toString('base64') }],
      }),
    );
    expect(readdirSync(join(first.profile.outboxDir, 'messages'))).toEqual([`${item.id}.eml`]);
    const record = JSON.parse(readFileSync(join(first.profile.outboxDir, 'journal.jsonl'), 'utf8').trim());
    expect(record.draft).toBeUndefined();
    expect(record.messageId).toBe(item.messageId);
    await first.stop();
    const second = service({}, first.profile);
    await outboxItem(second, item.id, (i) => i.state === 'sent');
    expect(fake.delivered).toHaveLength(1);
    expect(fake.delivered[0]!.raw.length).toBeGreaterThan(big.length);
  });

  it('lets the message be taken back during the undo window, and then never sends it', async () => {
    const fake = await fakeSmtp();
    const app = service({ undoDelayMs: 400 });
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const item = value(await app.client.invoke('mail.send', { ...message(alice.id, 'Oops'), cc: ['carol@example.test'] }));
    const { draft } = value(await app.client.invoke('outbox.cancel', { id: item.id }));
    expect(draft).toMatchObject({ subject: 'Oops', to: ['bob@example.test'], cc: ['carol@example.test'], text: 'Hi Bob' });
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.connections).toBe(0);
    expect(value(await app.client.invoke('outbox.list', {}))).toEqual([]);
    expect(readdirSync(join(app.profile.outboxDir, 'messages'))).toEqual([]);
  });

  it('gives back everything that was written when a message is taken back', async () => {
    const fake = await fakeSmtp();
    const app = service({ undoDelayMs: 60_000 });
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, n) => n));
    const written = {
      accountId: alice.id,
      to: ['bob@example.test'],
      cc: ['carol@example.test'],
      bcc: ['dave@example.test'],
      replyTo: ['list@example.test'],
      subject: 'Привет, 世界 🌍',
      text: 'Plain text\nwith two lines',
      html: '<p>Rich <b>text</b></p>',
      inReplyTo: '<parent@example.test>',
      references: ['<root@example.test>', '<parent@example.test>'],
      attachments: [{ filename: 'bytes.bin', contentType: 'application/octet-stream', contentBase64: bytes.toString('base64') }],
    };
    const item = value(await app.client.invoke('mail.send', written));
    const { draft } = value(await app.client.invoke('outbox.cancel', { id: item.id }));
    expect(draft).toMatchObject(written);
    expect(draft.html).toContain('<p>Rich <b>text</b></p>');
  });

  it('gives back a large message, read from its composed file, when it is taken back', async () => {
    const fake = await fakeSmtp();
    const app = service({ undoDelayMs: 60_000 });
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const bytes = Buffer.from(Array.from({ length: 700 * 1024 }, (_, n) => (n * 7) % 256));
    const written = {
      accountId: alice.id,
      to: ['bob@example.test'],
      cc: [],
      bcc: ['dave@example.test'],
      subject: 'Large, then taken back',
      text: 'See the attachment',
      references: [],
      attachments: [{ filename: 'data.bin', contentType: 'application/octet-stream', contentBase64: bytes.toString('base64') }],
    };
    const item = value(await app.client.invoke('mail.send', written));
    expect(readdirSync(join(app.profile.outboxDir, 'messages'))).toEqual([`${item.id}.eml`]);
    const { draft } = value(await app.client.invoke('outbox.cancel', { id: item.id }));
    expect(draft).toMatchObject(written);
    expect(fake.connections).toBe(0);
  });

  it('sends at the end of the undo window', async () => {
    const fake = await fakeSmtp();
    const app = service({ undoDelayMs: 300 });
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const started = Date.now();
    const item = await sendAndSettle(app, message(alice.id));
    expect(item.state).toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(fake.delivered).toHaveLength(1);
  });

  it('holds a send-later message until its time', async () => {
    const fake = await fakeSmtp();
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const sendAt = new Date(Date.now() + 1200).toISOString();
    const item = value(await app.client.invoke('mail.send', { ...message(alice.id), sendAt }));
    expect(item.state).toBe('scheduled');
    await new Promise((r) => setTimeout(r, 600));
    expect(fake.delivered).toHaveLength(0);
    const sent = await outboxItem(app, item.id, (i) => i.state === 'sent');
    expect(Date.parse(sent.sentAt!)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(fake.delivered).toHaveLength(1);
  });

  it('keeps a send-later time across a restart', async () => {
    const fake = await fakeSmtp();
    const first = inMemoryService();
    const alice = value(await first.client.invoke('accounts.add', fake.account()));
    const sendAt = new Date(Date.now() + 1500).toISOString();
    const item = value(await first.client.invoke('mail.send', { ...message(alice.id, 'Later, across a restart'), sendAt }));
    await first.stop();

    const second = service({}, first.profile);
    expect(second.outbox.list()).toEqual([expect.objectContaining({ id: item.id, state: 'scheduled', sendAt })]);
    await new Promise((r) => setTimeout(r, 700));
    expect(fake.connections).toBe(0);
    const sent = await outboxItem(second, item.id, (i) => i.state === 'sent');
    expect(Date.parse(sent.sentAt!)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(fake.delivered).toHaveLength(1);
  });

  it('resumes after a restart and sends what was waiting, once', async () => {
    const fake = await fakeSmtp();
    const first = inMemoryService({ undoDelayMs: 500 });
    const alice = value(await first.client.invoke('accounts.add', fake.account()));
    const item = value(await first.client.invoke('mail.send', message(alice.id, 'Across a restart')));
    await first.stop();
    expect(fake.connections).toBe(0);

    // The app starts again over the same profile and finds the message where it was left.
    const second = service({}, first.profile);
    expect(second.outbox.list()).toEqual([expect.objectContaining({ id: item.id, state: 'scheduled' })]);
    const sent = await outboxItem(second, item.id, (i) => i.state === 'sent');
    expect(sent.attempts).toBe(1);
    expect(fake.delivered.map((d) => d.messageId)).toEqual([item.messageId]);
  });

  it('retries a 4xx reply with growing delays, then sends', async () => {
    let tries = 0;
    const fake = await fakeSmtp({
      onData: () => (++tries <= 2 ? reply(451, '4.3.0 Try again later') : undefined),
    });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const changes: OutboxItem[] = [];
    app.client.on('outbox.changed', ({ items }) => changes.push(...items));
    const sent = await sendAndSettle(app, message(alice.id));
    expect(sent).toMatchObject({ state: 'sent', attempts: 3 });
    const waits = changes.filter((c) => c.state === 'retrying');
    expect(waits.map((w) => w.error?.details?.enhancedStatus)).toEqual(['4.3.0', '4.3.0']);
    expect(waits[0]!.error?.serverReply).toContain('451');
    // FAST_RETRY waits 50 ms after the first failure and 100 ms after the second: the gap between
    // the two planned retries holds the whole second delay.
    expect(Date.parse(waits[1]!.retryAt!) - Date.parse(waits[0]!.retryAt!)).toBeGreaterThanOrEqual(100);
    expect(fake.delivered).toHaveLength(1);
  });

  it('fails a 5xx reply at once with the code, the enhanced status and the server’s text', async () => {
    const fake = await fakeSmtp({ onData: () => reply(554, '5.7.1 Message rejected as spam') });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const failed = await sendAndSettle(app, message(alice.id));
    expect(failed).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'SERVER_ERROR', details: { replyCode: '554', enhancedStatus: '5.7.1' } },
    });
    expect(failed.error?.serverReply).toContain('Message rejected as spam');
  });

  it('delivers to the recipients the server accepts and reports the refused ones with the reason', async () => {
    const fake = await fakeSmtp({
      onRcpt: (address) => (address.startsWith('nobody@') ? reply(550, '5.1.1 No such user') : undefined),
    });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const sent = await sendAndSettle(app, { ...message(alice.id), to: ['bob@example.test', 'nobody@example.test'], cc: ['carol@example.test'] });
    expect(sent.state).toBe('sent');
    expect(sent.accepted).toEqual(['bob@example.test', 'carol@example.test']);
    expect(sent.rejected).toEqual([{ address: 'nobody@example.test', reply: expect.stringMatching(/^550 5\.1\.1 No such user/) }]);
    expect(fake.delivered[0]!.to).toEqual(['bob@example.test', 'carol@example.test']);
  });

  it('treats a connection dropped in the middle of DATA as transient and sends once afterwards', async () => {
    let tries = 0;
    const fake = await fakeSmtp({ onData: () => (++tries === 1 ? 'drop' : undefined) });
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const changes: OutboxItem[] = [];
    app.client.on('outbox.changed', ({ items }) => changes.push(...items));
    const sent = await sendAndSettle(app, message(alice.id));
    expect(sent).toMatchObject({ state: 'sent', attempts: 2 });
    expect(changes.find((c) => c.state === 'retrying')?.error?.code).toMatch(/CONNECTION_LOST|SERVER_ERROR/);
    expect(fake.delivered).toHaveLength(1);
  });

  it('sends a queue of messages for one account over one pooled connection', async () => {
    const fake = await fakeSmtp();
    const app = service({ undoDelayMs: 200 });
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const items = await Promise.all(
      Array.from({ length: 8 }, (_, n) => app.client.invoke('mail.send', message(alice.id, `Batch ${n}`))),
    );
    for (const queued of items) await outboxItem(app, value(queued).id, (i) => i.state === 'sent');
    expect(fake.delivered).toHaveLength(8);
    expect(fake.connections).toBe(1);
  });

  it('emits outbox.changed through scheduled, sending and sent', async () => {
    const fake = await fakeSmtp();
    const app = service({ undoDelayMs: 100 });
    const alice = value(await app.client.invoke('accounts.add', fake.account()));
    const states: string[] = [];
    app.client.on('outbox.changed', ({ items }) => {
      const state = items[0]?.state;
      if (state && states.at(-1) !== state) states.push(state);
    });
    await sendAndSettle(app, message(alice.id));
    expect(states).toEqual(['scheduled', 'sending', 'sent']);
  });
});
