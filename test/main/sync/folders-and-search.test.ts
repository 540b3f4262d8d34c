import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inMemoryService, newProfile, testbedAccount, value } from '../../support/accounts.js';
import { rawMessage } from '../../support/mailbox-state.js';
import { carolThroughProxy, directConnection } from '../../support/carol-through-proxy.js';
import { waitFor } from '../../support/wait-for.js';

const bed = carolThroughProxy();


const appWithCarol = () => bed.app();

const tag = () => randomUUID().slice(0, 6);

describe('folder commands', () => {
  it('create, rename (keeping the local copy) and delete folders, each shown in the folder list', async () => {
    const { app, account } = await appWithCarol();
    const name = `Projects ${tag()}`;
    const created = value(await app.client.invoke('folders.create', { accountId: account.id, name }));
    const child = value(await app.client.invoke('folders.create', { accountId: account.id, parent: created.path, name: '2026' }));
    await bed.direct.append(created.path, rawMessage(1, { subject: 'Kept across the rename' }), []);
    expect((value(await app.client.invoke('messages.list', { accountId: account.id, folder: created.path }))).map((m) => m.subject)).toEqual(['Kept across the rename']);
    const folderId = app.store.folderByPath(account.id, created.path)!.id;

    const renamed = value(await app.client.invoke('folders.rename', { accountId: account.id, path: created.path, name: `Work ${tag()}` }));
    const paths = value(await app.client.invoke('folders.list', { accountId: account.id })).map((f) => f.path);
    expect(paths).toContain(renamed.path);
    expect(paths).toContain(`${renamed.path}/2026`);
    expect(paths).not.toContain(created.path);
    expect(paths).not.toContain(child.path);
    // The same local folder under its new name: listed without fetching it again.
    expect(app.store.folderByPath(account.id, renamed.path)!.id).toBe(folderId);
    expect(app.store.uids(folderId)).toEqual([1]);

    value(await app.client.invoke('folders.delete', { accountId: account.id, path: `${renamed.path}/2026` }));
    expect(value(await app.client.invoke('folders.list', { accountId: account.id })).map((f) => f.path)).not.toContain(`${renamed.path}/2026`);
  });

  it('refuse to delete a folder with a role, with a reason', async () => {
    const { app, account } = await appWithCarol();
    const reply = await app.client.invoke('folders.delete', { accountId: account.id, path: 'Trash' });
    expect(reply.ok ? 'ok' : reply.error.code).toBe('INVALID_ARGUMENT');
    expect(value(await app.client.invoke('folders.list', { accountId: account.id })).map((f) => f.path)).toContain('Trash');
  });

  it('unsubscribe and subscribe again', async () => {
    const { app, account } = await appWithCarol();
    const { path } = value(await app.client.invoke('folders.create', { accountId: account.id, name: `Sub ${tag()}` }));
    expect(value(await app.client.invoke('folders.subscribe', { accountId: account.id, path, subscribed: false }))).toEqual({ subscribed: false });
    const lsub = async () => {
      const listed = (await bed.direct.list()).find((f) => f.path === path);
      if (!listed) throw new Error(`${path} is not listed`);
      return Boolean(listed.subscribed);
    };
    expect(await lsub()).toBe(false);
    value(await app.client.invoke('folders.subscribe', { accountId: account.id, path, subscribed: true }));
    expect(await lsub()).toBe(true);
  });
});

describe('an account read for the first time', () => {
  it('brings in every folder after the Inbox, so search covers folders never opened', async () => {
    const bob = await directConnection('bob');
    const app = inMemoryService({}, newProfile(), { idle: false, syncAllFolders: true });
    bed.stops.push(async () => {
      await app.stop();
      await bob.logout();
    });
    const word = `narwhal${tag()}`;
    const path = `Unopened-${tag()}`;
    await bob.mailboxCreate(path);
    await bob.append(path, rawMessage(1, { subject: `Filed away ${word}` }), ['\\Seen']);
    const account = value(await app.client.invoke('accounts.add', testbedAccount('bob')));
    value(await app.client.invoke('messages.list', { accountId: account.id, folder: 'INBOX' }));
    const found = await waitFor(async () => {
      const { messages } = value(await app.client.invoke('messages.search', { accountId: account.id, query: word }));
      return messages.length ? messages : undefined;
    }, 'the unopened folder in the store', 15_000);
    expect(found.map((m) => [m.folder, m.subject])).toEqual([[path, `Filed away ${word}`]]);
  });
});

describe('search', () => {
  it('finds messages in the store by the search box operators, naming their folder', async () => {
    const { app, account } = await appWithCarol();
    const word = `zebra${tag()}`;
    const a = `SearchA-${tag()}`;
    const b = `SearchB-${tag()}`;
    await bed.direct.mailboxCreate(a);
    await bed.direct.mailboxCreate(b);
    await bed.direct.append(a, rawMessage(1, { subject: `Quarterly ${word}` }), []);
    await bed.direct.append(b, rawMessage(2, { subject: `Re: Quarterly ${word}` }), ['\\Seen']);
    await bed.direct.append(b, rawMessage(3, { subject: 'Unrelated' }), []);
    for (const folder of [a, b]) value(await app.client.invoke('messages.list', { accountId: account.id, folder }));

    const everywhere = value(await app.client.invoke('messages.search', { accountId: account.id, query: word }));
    expect(everywhere.messages.map((m) => m.folder).sort()).toEqual([a, b].sort());
    const unread = value(await app.client.invoke('messages.search', { accountId: account.id, query: `${word} is:unread` }));
    expect(unread.messages.map((m) => [m.folder, m.subject])).toEqual([[a, `Quarterly ${word}`]]);
    const inB = value(await app.client.invoke('messages.search', { accountId: account.id, folder: b, query: `subject:${word}` }));
    expect(inB.messages.map((m) => m.subject)).toEqual([`Re: Quarterly ${word}`]);
    // b's copy is complete: the server was not needed.
    expect(inB.serverChecked).toBe(false);
  });

  it('asks the server for what a folder\'s incomplete copy lacks, and says when it could not', async () => {
    const { app, account } = await appWithCarol();
    const word = `okapi${tag()}`;
    const path = `SearchSrv-${tag()}`;
    await bed.direct.mailboxCreate(path);
    for (let n = 1; n <= 12; n++) await bed.direct.append(path, rawMessage(n, { subject: n === 3 ? `Old ${word}` : `Message ${n}` }), []);
    value(await app.client.invoke('messages.list', { accountId: account.id, folder: path }));
    // As if the history were still streaming in: only UIDs 10..12 are stored.
    const folderId = app.store.folderByPath(account.id, path)!.id;
    app.store.applySync(folderId, { remove: app.store.uidsInRange(folderId, 1, 10), state: { oldestUid: 10 } });
    expect(value(await app.client.invoke('messages.search', { accountId: account.id, query: word })).messages).toEqual([]);

    const found = value(await app.client.invoke('messages.search', { accountId: account.id, folder: path, query: word }));
    expect(found.serverChecked).toBe(true);
    expect(found.messages.map((m) => [m.uid, m.subject, m.folder])).toEqual([[3, `Old ${word}`, path]]);

    bed.proxy.refuse();
    bed.proxy.cutAll();
    const offline = value(await app.client.invoke('messages.search', { accountId: account.id, folder: path, query: word }));
    expect(offline.serverChecked).toBe(false);
    // What the server found before is in the store now, and still found offline.
    expect(offline.messages.map((m) => m.uid)).toEqual([3]);
  });

  it('with no folder named, says when copies are incomplete, and asks their servers when told to (askServer)', async () => {
    const { app, account } = await appWithCarol();
    const word = `tapir${tag()}`;
    const paths = [`SearchAll1-${tag()}`, `SearchAll2-${tag()}`];
    for (const [i, path] of paths.entries()) {
      await bed.direct.mailboxCreate(path);
      for (let n = 1; n <= 6; n++) await bed.direct.append(path, rawMessage(n, { subject: n === 2 ? `Old ${word} ${i}` : `Message ${n}` }), []);
      value(await app.client.invoke('messages.list', { accountId: account.id, folder: path }));
      const folderId = app.store.folderByPath(account.id, path)!.id;
      app.store.applySync(folderId, { remove: app.store.uidsInRange(folderId, 1, 5), state: { oldestUid: 5 } });
    }

    // Only these two are incomplete: the other tests' folders (Carol's are shared) would take the
    // ten places a search asks the server about.
    for (const other of app.store.folders(account.id)) {
      if (!paths.includes(other.path)) app.store.applySync(other.id, { state: { oldestUid: 1 } });
    }

    const local = value(await app.client.invoke('messages.search', { accountId: account.id, query: word }));
    expect(local).toMatchObject({ messages: [], serverChecked: false, incomplete: true });

    const asked = value(await app.client.invoke('messages.search', { accountId: account.id, query: word, askServer: true }));
    expect(asked.serverChecked).toBe(true);
    expect(asked.messages.map((m) => [m.folder, m.uid, m.subject]).sort()).toEqual([
      [paths[0], 2, `Old ${word} 0`],
      [paths[1], 2, `Old ${word} 1`],
    ]);
    // Found once, kept: the local answer has them now.
    expect(value(await app.client.invoke('messages.search', { accountId: account.id, query: word })).messages).toHaveLength(2);

    bed.proxy.refuse();
    bed.proxy.cutAll();
    const offline = value(await app.client.invoke('messages.search', { accountId: account.id, query: word, askServer: true }));
    expect(offline).toMatchObject({ serverChecked: false, incomplete: true });
    expect(offline.messages).toHaveLength(2);
  });
});
