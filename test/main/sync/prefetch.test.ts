import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inMemoryService, newProfile, value, type Profile } from '../../support/accounts.js';
import { filledMailbox, rawMessage, serverState } from '../../support/mailbox-state.js';
import { carolThroughProxy } from '../../support/carol-through-proxy.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * Bodies of recent mail are downloaded after a sync, ahead of opening, so they can be read
 * offline (MailSyncOptions.prefetchDays). Against the test bed's Dovecot, through a proxy that
 * can take it "offline".
 */
const bed = carolThroughProxy();
const DAY_MS = 24 * 60 * 60_000;


type App = ReturnType<typeof inMemoryService>;

const appWithCarol = (sync: Parameters<typeof inMemoryService>[2], profile: Profile = newProfile()) => bed.app(sync, profile);

const until = (check: () => boolean, what: string, timeoutMs?: number) => waitFor(async () => (check() ? true : undefined), what, timeoutMs);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const list = async (app: App, accountId: string, folder: string) => value(await app.client.invoke('messages.list', { accountId, folder, limit: 500 }));

/** The kept file of each message (null: not kept), by UID. */
function kept(app: App, accountId: string, path: string, uids: number[]): (string | null)[] {
  const folderId = app.store.folderByPath(accountId, path)!.id;
  return uids.map((uid) => app.store.message(folderId, uid)?.bodyFile ?? null);
}

describe('prefetch of recent bodies', () => {
  it('keeps the bodies of the last days after a sync, unread, readable offline; older mail waits for open', async () => {
    const path = await filledMailbox(bed.direct, 4, 'Prefetch'); // UID 3 is \Seen, the rest unread
    await bed.direct.append(path, rawMessage(5, { subject: 'Old news' }), [], new Date(Date.now() - 90 * DAY_MS));
    const { app, account } = await appWithCarol({ prefetchDays: 14, prefetchLimits: { quietMs: 100 } });
    await list(app, account.id, path);

    await until(() => kept(app, account.id, path, [1, 2, 3, 4]).every((file) => file !== null), 'recent bodies kept');
    await app.mail.prefetched(account.id, path);
    expect(kept(app, account.id, path, [5])).toEqual([null]);
    // Kept the way open keeps it: the text is in the store and searchable.
    const folderId = app.store.folderByPath(account.id, path)!.id;
    expect(app.store.message(folderId, 2)!.bodyText).toContain('Body of message 2');
    expect(app.store.search('"Body of message 2"', { folderId }).map((m) => m.uid)).toEqual([2]);
    // Nothing was marked read, on the server or in the app.
    expect(await serverState(bed.direct, path)).toEqual({ 1: '', 2: '', 3: 'seen', 4: '', 5: '' });
    expect((await list(app, account.id, path)).filter((m) => m.unread).map((m) => m.uid).sort()).toEqual([1, 2, 4, 5]);

    bed.proxy.refuse();
    bed.proxy.cutAll();
    const opened = value(await app.client.invoke('message.open', { accountId: account.id, folder: path, uid: 2 }));
    expect(opened.text).toContain('Body of message 2');
    const old = await app.client.invoke('message.open', { accountId: account.id, folder: path, uid: 5 });
    expect(old.ok ? 'ok' : old.error.code).toMatch(/CONNECTION_LOST|CONNECTION_REFUSED/);
  });

  it('is off with prefetchDays 0: nothing is kept until opened', async () => {
    const path = await filledMailbox(bed.direct, 3, 'NoPrefetch');
    const { app, account } = await appWithCarol({ prefetchDays: 0, prefetchLimits: { quietMs: 0 } });
    await list(app, account.id, path);
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: path }));
    await app.mail.prefetched(account.id, path);
    await sleep(1_000);
    expect(kept(app, account.id, path, [1, 2, 3])).toEqual([null, null, null]);

    value(await app.client.invoke('message.open', { accountId: account.id, folder: path, uid: 2 }));
    const [first, second, third] = kept(app, account.id, path, [1, 2, 3]);
    expect([first, third]).toEqual([null, null]);
    expect(second).not.toBeNull();
  });

  it('leaves a message larger than the cap to be fetched on open', async () => {
    const path = await filledMailbox(bed.direct, 3, 'BigPrefetch');
    // The newest, so the run (newest first) meets it before the others.
    const big = rawMessage(4, { subject: 'Big one' }) + `${'y'.repeat(76)}\r\n`.repeat(3_000);
    await bed.direct.append(path, big, []);
    const { app, account } = await appWithCarol({ prefetchDays: 14, prefetchLimits: { quietMs: 0, maxMessageBytes: 100_000 } });
    await list(app, account.id, path);

    await until(() => kept(app, account.id, path, [1, 2, 3]).every((file) => file !== null), 'small bodies kept');
    await app.mail.prefetched(account.id, path);
    expect(kept(app, account.id, path, [4])).toEqual([null]);

    const opened = value(await app.client.invoke('message.open', { accountId: account.id, folder: path, uid: 4 }));
    expect(opened.text).toContain('Body of message 4');
    expect(kept(app, account.id, path, [4])[0]).not.toBeNull();
  });

  it('stops when the account is removed, and leaves no kept file behind', async () => {
    const path = await filledMailbox(bed.direct, 40, 'ForgetPrefetch');
    const profile = newProfile();
    const { app, account } = await appWithCarol({ prefetchDays: 14, prefetchLimits: { quietMs: 0 } }, profile);
    await list(app, account.id, path);
    await until(() => kept(app, account.id, path, [40])[0] !== null, 'the prefetch under way');

    value(await app.client.invoke('accounts.remove', { accountId: account.id }));
    const bodies = join(profile.storeDir, 'bodies', account.id);
    expect(existsSync(bodies)).toBe(false);
    await sleep(500);
    expect(existsSync(bodies)).toBe(false);
    expect(app.store.folders(account.id)).toEqual([]);
  });
});
