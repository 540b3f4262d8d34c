import type { ImapFlow } from 'imapflow';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directConnection } from '../../support/carol-through-proxy.js';
import { inMemoryService, testbedAccount, value } from '../../support/accounts.js';

let direct: ImapFlow;
beforeAll(async () => {
  direct = await directConnection('carol');
});
afterAll(async () => {
  await direct.logout();
});

const mail = (id: string, subject: string, minutesAgo: number, inReplyTo?: string) =>
  `From: Bob <bob@example.test>\r\nTo: carol@example.test\r\nSubject: ${subject}\r\nDate: ${new Date(Date.now() - minutesAgo * 60_000).toUTCString()}\r\n` +
  `Message-ID: <${id}>\r\n${inReplyTo ? `In-Reply-To: <${inReplyTo}>\r\nReferences: <${inReplyTo}>\r\n` : ''}\r\nBody.\r\n`;

describe('conversations', () => {
  it('list one row per conversation with its counts, and open it across folders', async () => {
    const app = inMemoryService({}, undefined, { idle: false });
    try {
      const account = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
      const tag = randomUUID().slice(0, 8);
      const inbox = `Conv-${tag}`;
      const sent = `ConvSent-${tag}`;
      await direct.mailboxCreate(inbox);
      await direct.mailboxCreate(sent);
      await direct.append(inbox, mail(`a.${tag}@t`, 'Lunch', 30), ['\\Seen'], new Date(Date.now() - 30 * 60_000));
      await direct.append(sent, mail(`b.${tag}@t`, 'Re: Lunch', 20, `a.${tag}@t`), ['\\Seen'], new Date(Date.now() - 20 * 60_000));
      await direct.append(inbox, mail(`c.${tag}@t`, 'Re: Lunch', 10, `b.${tag}@t`), [], new Date(Date.now() - 10 * 60_000));
      await direct.append(inbox, mail(`d.${tag}@t`, 'Something else', 5), [], new Date(Date.now() - 5 * 60_000));
      value(await app.client.invoke('messages.list', { accountId: account.id, folder: sent }));

      const rows = value(await app.client.invoke('messages.list', { accountId: account.id, folder: inbox, threads: true }));
      expect(rows.map((r) => [r.subject, r.thread?.count, r.thread?.unread, r.thread?.countAll])).toEqual([
        ['Something else', 1, 1, 1],
        ['Re: Lunch', 2, 1, 3],
      ]);
      const conversation = value(await app.client.invoke('thread.open', { accountId: account.id, threadId: rows[1]!.thread!.id }));
      expect(conversation.map((m) => [m.subject, m.folder])).toEqual([
        ['Lunch', inbox],
        ['Re: Lunch', sent],
        ['Re: Lunch', inbox],
      ]);
      // The plain list is still one row per message.
      expect(value(await app.client.invoke('messages.list', { accountId: account.id, folder: inbox }))).toHaveLength(3);
    } finally {
      await app.stop();
    }
  });
});
