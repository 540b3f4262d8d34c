import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { withImap } from '../../../main/imap/connect.js';
import type { Account } from '../../../shared/schemas.js';
import { inMemoryService, newProfile, testbedAccount, testbedPop3Account, value } from '../../support/accounts.js';
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

describe('a draft’s identity across a restart of the app', () => {
  it('replaces the same draft when the composer saves again after main restarted, and when the draft is reopened', async () => {
    const profile = newProfile();
    const first = inMemoryService({}, profile);
    apps.push(first);
    const account = value(await first.client.invoke('accounts.add', testbedAccount('carol')));
    const tag = `Restarted ${randomUUID().slice(0, 8)}`;
    const saved = value(await first.client.invoke('drafts.save', { message: { accountId: account.id, to: ['bob@example.test'], subject: tag, text: 'Before the restart' } }));
    await first.stop();

    // A fresh service over the same profile: it has never seen this draft id.
    const second = inMemoryService({}, profile);
    apps.push(second);
    const again = value(
      await second.client.invoke('drafts.save', { draftId: saved.draftId, message: { accountId: account.id, to: ['bob@example.test'], subject: tag, text: 'After the restart' } }),
    );
    expect(again.draftId).toBe(saved.draftId);
    let kept = await waitFor(async () => {
      const now = await draftsOnServer(tag);
      return now.length === 1 ? now : undefined;
    }, 'one copy of the draft after the restart');
    expect(kept[0]!.uid).toBe(again.uid);
    expect(kept[0]!.source).toContain('After the restart');
    await second.stop();

    // Another restart, then Edit draft: the same id comes back, and its save replaces the copy.
    const third = inMemoryService({}, profile);
    apps.push(third);
    await waitFor(async () => {
      const listed = value(await third.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts', limit: 100 }));
      return listed.some((m) => m.uid === again.uid) ? true : undefined;
    }, 'the draft in the store');
    const opened = value(await third.client.invoke('drafts.open', { accountId: account.id, folder: 'Drafts', uid: again.uid! }));
    expect(opened.draftId).toBe(saved.draftId);
    const last = value(await third.client.invoke('drafts.save', { draftId: opened.draftId, message: { ...opened.message, text: 'Reopened and changed' } }));
    kept = await waitFor(async () => {
      const now = await draftsOnServer(tag);
      return now.length === 1 && now[0]!.uid === last.uid ? now : undefined;
    }, 'the reopened draft replaced');
    expect(kept[0]!.source).toContain('Reopened and changed');

    // Sent from a composer that outlived a restart: discarding by id and account finds the copy.
    const fourth = inMemoryService({}, profile);
    apps.push(fourth);
    await third.stop();
    expect(value(await fourth.client.invoke('drafts.discard', { draftId: saved.draftId, accountId: account.id }))).toEqual({ discarded: true });
    await waitFor(async () => ((await draftsOnServer(tag)).length === 0 ? true : undefined), 'the draft discarded after a restart');
  });

  it('keeps a POP3 account’s local draft single across a restart too', async () => {
    const server = await startFakePop3({ answer: ordinary() });
    try {
      const profile = newProfile();
      const first = inMemoryService({}, profile);
      apps.push(first);
      const input = testbedPop3Account('carol');
      const account = value(
        await first.client.invoke('accounts.add', { ...input, pop3: { host: server.host, port: server.port, security: 'none', authMethod: 'USER', leaveOnServer: false } }),
      );
      const saved = value(await first.client.invoke('drafts.save', { message: { accountId: account.id, subject: 'Local, restarted', text: 'one' } }));
      await first.stop();
      const second = inMemoryService({}, profile);
      apps.push(second);
      const again = value(await second.client.invoke('drafts.save', { draftId: saved.draftId, message: { accountId: account.id, subject: 'Local, restarted', text: 'two' } }));
      const listed = value(await second.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts' }));
      expect(listed.map((m) => m.uid)).toEqual([again.uid]);
      expect(value(await second.client.invoke('drafts.open', { accountId: account.id, folder: 'Drafts', uid: again.uid! })).draftId).toBe(saved.draftId);
    } finally {
      await server.close();
    }
  });
});

describe('drafts in rich text, and a forward’s draft', () => {
  it('keeps the HTML (sanitized) beside its text, and gives it back when reopened', async () => {
    const app = inMemoryService();
    apps.push(app);
    const account = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
    const tag = `Rich draft ${randomUUID().slice(0, 8)}`;
    const saved = value(
      await app.client.invoke('drafts.save', {
        message: { accountId: account.id, subject: tag, html: '<p>Some <strong>bold</strong> words</p><script>alert(1)</script><img src="https://x.example/p.gif">' },
      }),
    );
    const [kept] = await waitFor(async () => {
      const now = await draftsOnServer(tag);
      return now.length === 1 ? now : undefined;
    }, 'the rich draft');
    expect(kept!.source).toMatch(/Content-Type: multipart\/alternative/);
    expect(kept!.source).not.toMatch(/<script|x\.example/);
    await waitFor(async () => {
      const listed = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts', limit: 100 }));
      return listed.some((m) => m.uid === saved.uid) ? true : undefined;
    }, 'the draft in the store');
    const opened = value(await app.client.invoke('drafts.open', { accountId: account.id, folder: 'Drafts', uid: saved.uid! }));
    expect(opened.message.html).toBe('<p>Some <strong>bold</strong> words</p>');
    expect(opened.message.text).toBe('Some bold words');
    value(await app.client.invoke('drafts.discard', { draftId: opened.draftId }));
  });

  it('puts a forward’s attachments, read from the original, into the saved draft', async () => {
    const app = inMemoryService();
    apps.push(app);
    const account = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
    const tag = `Forward draft ${randomUUID().slice(0, 8)}`;
    const bytes = Buffer.from([0, 255, 13, 10, 46, 13, 10, 1, 2, 3]);
    // The original: a draft of its own, so the test needs no other mailbox.
    const original = value(
      await app.client.invoke('drafts.save', {
        message: { accountId: account.id, subject: `${tag} original`, text: 'x', attachments: [{ filename: 'data.bin', contentType: 'application/octet-stream', contentBase64: bytes.toString('base64') }] },
      }),
    );
    await waitFor(async () => {
      const listed = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts', limit: 100 }));
      return listed.some((m) => m.uid === original.uid) ? true : undefined;
    }, 'the original in the store');
    const forward = value(
      await app.client.invoke('drafts.save', {
        message: { accountId: account.id, subject: `Fwd: ${tag}`, text: 'y', forwarded: [{ folder: 'Drafts', uid: original.uid!, index: 0, filename: 'data.bin' }] },
      }),
    );
    await waitFor(async () => {
      const listed = value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'Drafts', limit: 100 }));
      return listed.some((m) => m.uid === forward.uid) ? true : undefined;
    }, 'the forward in the store');
    const opened = value(await app.client.invoke('drafts.open', { accountId: account.id, folder: 'Drafts', uid: forward.uid! }));
    expect(opened.message.attachments.map((a) => [a.filename, Buffer.from(a.contentBase64, 'base64').equals(bytes)])).toEqual([['data.bin', true]]);
    value(await app.client.invoke('drafts.discard', { draftId: forward.draftId }));
    value(await app.client.invoke('drafts.discard', { draftId: original.draftId }));
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
