import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { withImap } from '../../../main/imap/connect.js';
import type { Account } from '../../../shared/schemas.js';
import { inMemoryService, testbedAccount, testbedPop3Account, value } from '../../support/accounts.js';
import { waitFor } from '../../support/wait-for.js';
import { ordinary, startFakePop3 } from '../pop3/fake-pop3-server.js';

/*
 * Drafts saved as the person writes (drafts.save / drafts.open / drafts.discard): on the test
 * bed's Dovecot for an IMAP account (carol's Drafts; every test finds its own drafts by a
 * unique subject and leaves nothing behind), and in a POP3 account's local Drafts (a fake POP3
 * server: nothing is downloaded, the account only has to exist).
 */

const apps: ReturnType<typeof inMemoryService>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

function carol(): { account: Account; password: string } {
  const { password, ...input } = testbedAccount('carol');
  return { account: { ...input, id: 'acc_drafts_test', sentCopy: 'append' }, password };
}

type OnServer = { uid: number; flags: string[]; source: string };

/** carol's drafts whose subject holds `tag`, read on a connection of the test's own. */
function draftsOnServer(tag: string): Promise<OnServer[]> {
  const { account, password } = carol();
  return withImap(account, password, async (client: ImapFlow) => {
    const lock = await client.getMailboxLock('Drafts');
    try {
      const uids = await client.search({ subject: tag }, { uid: true });
      if (!uids || uids.length === 0) return [];
      const messages = await client.fetchAll(uids, { uid: true, flags: true, source: true }, { uid: true });
      return messages.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])], source: m.source!.toString('utf8') }));
    } finally {
      lock.release();
    }
  });
}

describe('drafts of an IMAP account, on the server', () => {
  it('saves to Drafts with \\Draft, replaces the previous copy on each save, opens it for editing, and discards it', async () => {
    const app = inMemoryService();
    apps.push(app);
    const account = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
    const tag = `Draft ${randomUUID().slice(0, 8)}`;
    const attachment = { filename: 'notes.txt', contentType: 'text/plain', contentBase64: Buffer.from('the notes').toString('base64') };

    const first = value(
      await app.client.invoke('drafts.save', {
        message: { accountId: account.id, to: ['Bob <bob@example.test>', 'half-typ'], subject: tag, text: 'First words' },
      }),
    );
    expect(first.folder).toBe('Drafts');
    expect(first.uid).toBeGreaterThan(0);
    let kept = await draftsOnServer(tag);
    expect(kept.map((m) => m.uid)).toEqual([first.uid]);
    expect(kept[0]!.flags).toEqual(expect.arrayContaining(['\\Draft', '\\Seen']));
    expect(kept[0]!.source).toContain('First words');

    const second = value(
      await app.client.invoke('drafts.save', {
        draftId: first.draftId,
        message: {
          accountId: account.id,
          to: ['Bob <bob@example.test>'],
          bcc: ['secret@example.test'],
          subject: tag,
          text: 'Second, longer words',
          attachments: [attachment],
        },
      }),
    );
    expect(second.draftId).toBe(first.draftId);
    expect(second.uid).not.toBe(first.uid);
    // The old copy goes once the new one is in (a queued delete: wait for the server to have done it).
    kept = await waitFor(async () => {
      const now = await draftsOnServer(tag);
      return now.length === 1 ? now : undefined;
    }, 'one copy of the draft');
    expect(kept[0]!.uid).toBe(second.uid);
    expect(kept[0]!.source).toContain('Second, longer words');
    expect(kept[0]!.source).toMatch(/^Bcc: secret@example\.test/m);

    // Edit draft: the message from Drafts, back in the composer's terms.
    await waitFor(async () => {
      const listed = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts', limit: 50 }));
      return listed.some((m) => m.uid === second.uid) ? true : undefined;
    }, 'the draft in the store');
    const opened = value(await app.client.invoke('drafts.open', { accountId: account.id, folder: 'Drafts', uid: second.uid! }));
    expect(opened.message).toMatchObject({
      to: ['Bob <bob@example.test>'],
      bcc: ['secret@example.test'],
      subject: tag,
      text: 'Second, longer words',
      attachments: [{ filename: 'notes.txt', contentType: 'text/plain', contentBase64: attachment.contentBase64 }],
    });
    // Saving the reopened draft replaces that very message.
    const third = value(
      await app.client.invoke('drafts.save', { draftId: opened.draftId, message: { ...opened.message, text: 'Third words' } }),
    );
    kept = await waitFor(async () => {
      const now = await draftsOnServer(tag);
      return now.length === 1 && now[0]!.uid === third.uid ? now : undefined;
    }, 'the reopened draft replaced');
    expect(kept[0]!.source).toContain('Third words');

    expect(value(await app.client.invoke('drafts.discard', { draftId: opened.draftId }))).toEqual({ discarded: true });
    await waitFor(async () => ((await draftsOnServer(tag)).length === 0 ? true : undefined), 'the draft discarded');
    expect(value(await app.client.invoke('drafts.discard', { draftId: opened.draftId }))).toEqual({ discarded: false });
  });

  it('refuses a draft id it does not know, and a header line with a line break', async () => {
    const app = inMemoryService();
    apps.push(app);
    const account = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
    const unknown = await app.client.invoke('drafts.save', { draftId: 'nosuchdraft123', message: { accountId: account.id, subject: 'x' } });
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('NOT_FOUND');
    const injected = await app.client.invoke('drafts.save', { message: { accountId: account.id, subject: 'x\r\nBcc: evil@example.test' } });
    expect(injected.ok ? 'ok' : injected.error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('drafts of a POP3 account, in its local Drafts', () => {
  it('saves, replaces and discards in the local Drafts folder', async () => {
    const server = await startFakePop3({ answer: ordinary() });
    try {
      const app = inMemoryService();
      apps.push(app);
      const input = testbedPop3Account('carol');
      const account = value(
        await app.client.invoke('accounts.add', {
          ...input,
          pop3: { host: server.host, port: server.port, security: 'none', authMethod: 'USER', leaveOnServer: false },
        }),
      );
      const list = async () => value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts' }));
      const first = value(await app.client.invoke('drafts.save', { message: { accountId: account.id, to: ['bob@example.test'], subject: 'Local draft', text: 'one' } }));
      expect(first.folder).toBe('Drafts');
      expect((await list()).map((m) => [m.uid, m.subject])).toEqual([[first.uid, 'Local draft']]);

      const second = value(
        await app.client.invoke('drafts.save', { draftId: first.draftId, message: { accountId: account.id, to: ['bob@example.test'], subject: 'Local draft v2', text: 'two' } }),
      );
      expect((await list()).map((m) => [m.uid, m.subject])).toEqual([[second.uid, 'Local draft v2']]);
      const opened = value(await app.client.invoke('drafts.open', { accountId: account.id, folder: 'Drafts', uid: second.uid! }));
      expect(opened.message).toMatchObject({ to: ['bob@example.test'], subject: 'Local draft v2', text: 'two' });

      expect(value(await app.client.invoke('drafts.discard', { draftId: second.draftId })).discarded).toBe(true);
      expect(await list()).toEqual([]);
      // Nothing was fetched from or deleted on the server for it.
      expect(server.received.some((l) => /^(RETR|DELE)/.test(l))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
