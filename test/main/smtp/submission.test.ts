import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inMemoryService, sendAndSettle, testbedAccount, value } from '../../support/accounts.js';
import { user } from '../../support/testbed.js';
import { waitFor } from '../../support/wait-for.js';

/** Sending through the test bed's real Postfix and reading the result from its real Dovecot. */
describe('sending through SMTP submission and reading it over IMAP', () => {
  async function sendAndRead(smtp: 'submission' | 'tls', imap: 'tls' | 'starttls') {
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice', { smtp })));
    const bob = value(await app.client.invoke('accounts.add', testbedAccount('bob', { imap })));
    const subject = `Hello over ${smtp} ${randomUUID()}`;

    const sent = await sendAndSettle(app, {
      accountId: alice.id,
      to: [user('bob').email],
      subject,
      text: 'Hi Bob,\nthis went through Postfix.\n',
    });
    expect(sent.state).toBe('sent');
    expect(sent.accepted).toEqual([user('bob').email]);
    expect(sent.rejected).toEqual([]);
    expect(sent.messageId).toMatch(/^<[^@]+@example\.test>$/);

    const row = await waitFor(async () => {
      const list = value(await app.client.invoke('messages.list', { accountId: bob.id }));
      return list.find((m) => m.subject === subject);
    }, 'the message in bob’s inbox');
    expect(row).toMatchObject({ unread: true, from: { name: 'Alice', address: user('alice').email } });
    expect(row.messageId).toBe(sent.messageId);

    const opened = value(await app.client.invoke('message.open', { accountId: bob.id, uid: row.uid }));
    expect(opened.text).toBe('Hi Bob,\nthis went through Postfix.\n');
    expect(opened.to).toEqual([{ name: '', address: user('bob').email }]);
    expect(opened.unread).toBe(false);

    const after = value(await app.client.invoke('messages.list', { accountId: bob.id }));
    expect(after.find((m) => m.uid === row.uid)?.unread).toBe(false);
  }

  it('sends on 587 with STARTTLS and reads over IMAPS 993', () => sendAndRead('submission', 'tls'));

  it('sends on 465 with implicit TLS and reads over IMAP 143 with STARTTLS', () => sendAndRead('tls', 'starttls'));

  it('keeps Bcc recipients out of the delivered header but delivers to them', async () => {
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const carol = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
    const bob = value(await app.client.invoke('accounts.add', testbedAccount('bob')));
    const subject = `Bcc ${randomUUID()}`;
    const sent = await sendAndSettle(app, {
      accountId: alice.id,
      to: [user('bob').email],
      bcc: [user('carol').email],
      subject,
      text: 'blind copy',
    });
    expect(sent.accepted?.sort()).toEqual([user('bob').email, user('carol').email]);
    for (const reader of [bob, carol]) {
      const row = await waitFor(async () => {
        const list = value(await app.client.invoke('messages.list', { accountId: reader.id }));
        return list.find((m) => m.subject === subject);
      }, `the message in ${reader.email}`);
      const opened = value(await app.client.invoke('message.open', { accountId: reader.id, uid: row.uid }));
      expect(opened.cc).toEqual([]);
      expect(JSON.stringify(opened)).not.toContain('carol@');
    }
  });

  it('reports a wrong password as AUTH_FAILED with the server’s reply', async () => {
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice', { password: 'not-the-password' })));
    const item = await sendAndSettle(app, {
      accountId: alice.id,
      to: [user('bob').email],
      subject: 'never sent',
      text: 'x',
    });
    expect(item.state).toBe('failed');
    expect(item.attempts).toBe(1);
    expect(item.error?.code).toBe('AUTH_FAILED');
    expect(item.error?.serverReply).toMatch(/^535[ -]/);
    expect(JSON.stringify(item)).not.toContain('not-the-password');
  });

  it('reports a recipient outside the test domain as refused by the server', async () => {
    const app = inMemoryService();
    const alice = value(await app.client.invoke('accounts.add', testbedAccount('alice')));
    const item = await sendAndSettle(app, {
      accountId: alice.id,
      to: ['someone@elsewhere.invalid'],
      subject: 'relay attempt',
      text: 'x',
    });
    expect(item).toMatchObject({ state: 'failed', error: { code: 'RECIPIENT_REJECTED' } });
    expect(item.error?.serverReply).toMatch(/^5\d\d/);
    expect(item.error?.details?.enhancedStatus).toMatch(/^5\.\d+\.\d+$/);
  });
});

describe('reading over IMAP with a wrong password', () => {
  it('reports AUTH_FAILED with the server’s text', async () => {
    const app = inMemoryService();
    const bob = value(await app.client.invoke('accounts.add', testbedAccount('bob', { password: 'wrong-password' })));
    const reply = await app.client.invoke('messages.list', { accountId: bob.id });
    expect(reply).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    if (!reply.ok) expect(reply.error.serverReply).toMatch(/authentication failed/i);
  });
});
