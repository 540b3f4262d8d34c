import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import type { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';
import { withImap } from '../../../main/imap/connect.js';
import { checkFolderName, createFolder } from '../../../main/imap/create-folder.js';
import { deleteFolder } from '../../../main/imap/delete-folder.js';
import { renameFolder } from '../../../main/imap/rename-folder.js';
import { subscribeFolder, unsubscribeFolder } from '../../../main/imap/subscribe-folder.js';
import type { Account } from '../../../shared/schemas.js';
import { testbedAccount } from '../../support/accounts.js';
import { testbed, user } from '../../support/testbed.js';

/*
 * Against the test bed's real Dovecot (hierarchy delimiter "/", SPECIAL-USE Drafts, Sent,
 * Trash, Junk, Archive). Every folder here is carol's and named "Adm <tag> ...", so nothing
 * another test file lists or counts is touched.
 */

function carol(): { account: Account; password: string } {
  const { password, ...input } = testbedAccount('carol');
  return { account: { ...input, id: 'acc_folder_admin', sentCopy: 'append' }, password };
}

function imap<T>(job: (client: ImapFlow) => Promise<T>): Promise<T> {
  const { account, password } = carol();
  return withImap(account, password, job);
}

const tag = () => `Adm ${randomUUID().slice(0, 8)}`;

/** Leftovers of a failed test, deepest first; every path here is removed after the file. */
const touched = new Set<string>();
afterAll(async () => {
  await imap(async (client) => {
    const paths = [...touched].sort((a, b) => b.length - a.length);
    for (const path of paths) {
      await client.mailboxDelete(path).catch(() => undefined);
      await client.mailboxUnsubscribe(path).catch(() => undefined);
    }
  });
});

/** Folders another session lists (LIST, through imapflow), with their subscription state. */
async function listed(prefix: string): Promise<Map<string, boolean>> {
  const folders = await imap((client) => client.list());
  return new Map(folders.filter((f) => f.path.startsWith(prefix) && !f.flags.has('\\NonExistent')).map((f) => [f.path, f.subscribed === true]));
}

/**
 * The raw LSUB answer, from a plain TLS session of its own: imapflow merges LSUB into LIST and
 * drops subscriptions to names that do not exist, which are exactly what a rename or delete
 * can leave behind.
 */
async function lsub(prefix: string): Promise<string[]> {
  const bed = testbed();
  const carolUser = user('carol');
  const socket = connect({ host: bed.imap.host, port: bed.imap.tlsPort, ca: readFileSync(bed.caFile) });
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (buffer += chunk));
  const until = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${buffer}`)), 10_000);
      const check = () => {
        if (!pattern.test(buffer)) return;
        clearTimeout(timer);
        socket.off('data', check);
        const text = buffer;
        buffer = '';
        resolve(text);
      };
      socket.on('data', check);
      check();
    });
  const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  try {
    await until(/^\* OK.*\r\n/m);
    socket.write(`a LOGIN ${quote(carolUser.email)} ${quote(carolUser.password)}\r\n`);
    if (!/^a OK/m.test(await until(/^a (OK|NO|BAD).*\r\n/m))) throw new Error('LOGIN failed');
    socket.write(`b LSUB "" "*"\r\n`);
    const text = await until(/^b (OK|NO|BAD).*\r\n/m);
    socket.write('c LOGOUT\r\n');
    const names: string[] = [];
    for (const line of text.split('\r\n')) {
      const match = /^\* LSUB \([^)]*\) (?:"[^"]*"|NIL) (.+)$/.exec(line);
      if (!match) continue;
      const name = match[1]!.startsWith('"') ? match[1]!.slice(1, -1).replace(/\\(.)/g, '$1') : match[1]!;
      if (name.startsWith(prefix)) names.push(name);
    }
    return names.sort();
  } finally {
    socket.destroy();
  }
}

describe('checkFolderName', () => {
  it('trims the name and refuses the delimiter, control characters and LIST wildcards', () => {
    expect(checkFolderName('  Receipts 2024  ', '/')).toBe('Receipts 2024');
    expect(checkFolderName('Projects.2024', '/')).toBe('Projects.2024');
    for (const bad of ['', '   ', 'a/b', 'line\nbreak', 'tab\there', 'star*', 'per%cent']) {
      expect(() => checkFolderName(bad, '/')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => checkFolderName('a.b', '.')).toThrow(/cannot contain "\."/);
  });
});

describe('folder administration', () => {
  it('creates a folder at the top level and one inside it, both listed and subscribed', async () => {
    const top = tag();
    touched.add(top).add(`${top}/Child`);
    const created = await imap((client) => createFolder(client, null, `  ${top} `));
    expect(created).toEqual({ path: top });
    const child = await imap((client) => createFolder(client, top, 'Child'));
    expect(child).toEqual({ path: `${top}/Child` });

    expect(await listed(top)).toEqual(new Map([[top, true], [`${top}/Child`, true]]));
    expect(await lsub(top)).toEqual([top, `${top}/Child`]);
  });

  it('renames a folder with the folders inside it, and moves their subscriptions', async () => {
    const old = tag();
    const renamed = `${old} renamed`;
    touched.add(old).add(`${old}/Inner`).add(renamed).add(`${renamed}/Inner`);
    await imap(async (client) => {
      await createFolder(client, null, old);
      await createFolder(client, old, 'Inner');
    });

    expect(await imap((client) => renameFolder(client, old, `${old} renamed`))).toEqual({ path: renamed });

    expect(await listed(old)).toEqual(new Map([[renamed, true], [`${renamed}/Inner`, true]]));
    // Dovecot leaves subscriptions on the old names (RFC 9051 allows it): renameFolder moved them.
    expect(await lsub(old)).toEqual([renamed, `${renamed}/Inner`]);
  });

  it('deletes a folder and its subscription', async () => {
    const path = tag();
    touched.add(path);
    await imap((client) => createFolder(client, null, path));
    expect(await lsub(path)).toEqual([path]);

    await imap((client) => deleteFolder(client, path));

    expect(await listed(path)).toEqual(new Map());
    expect(await lsub(path)).toEqual([]);
  });

  it('unsubscribes and subscribes again, as LIST and LSUB show', async () => {
    const path = tag();
    touched.add(path);
    await imap((client) => createFolder(client, null, path));

    await imap((client) => unsubscribeFolder(client, path));
    expect(await listed(path)).toEqual(new Map([[path, false]]));
    expect(await lsub(path)).toEqual([]);

    await imap((client) => subscribeFolder(client, path));
    expect(await listed(path)).toEqual(new Map([[path, true]]));
    expect(await lsub(path)).toEqual([path]);
  });

  it('refuses to create a folder that exists, or under a parent that does not, or with a name the server refuses', async () => {
    const path = tag();
    touched.add(path);
    await imap((client) => createFolder(client, null, path));

    await expect(imap((client) => createFolder(client, null, path))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `A folder named "${path}" already exists. Choose another name.`,
      details: { reason: 'exists' },
    });
    // INBOX is one folder whatever its case.
    await expect(imap((client) => createFolder(client, null, 'inbox'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { reason: 'exists' } });
    await expect(imap((client) => createFolder(client, `${path} missing`, 'Child'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(imap((client) => createFolder(client, path, 'a/b'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"/"') });
    // Only the server knows its length limit: its CANNOT comes back as a refused name, with its reason.
    await expect(imap((client) => createFolder(client, path, 'x'.repeat(300)))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { reason: 'name' },
      serverReply: expect.stringContaining('too long'),
    });
    expect(await listed(path)).toEqual(new Map([[path, true]]));
  });

  it('refuses to rename a folder that does not exist, or onto an existing name', async () => {
    const [a, b] = [tag(), tag()];
    touched.add(a).add(b);
    await imap(async (client) => {
      await createFolder(client, null, a);
      await createFolder(client, null, b);
    });
    await expect(imap((client) => renameFolder(client, `${a} missing`, 'Whatever'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(imap((client) => renameFolder(client, a, b))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { reason: 'exists' } });
    await expect(imap((client) => renameFolder(client, a, 'x/y'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await listed(a)).toEqual(new Map([[a, true]]));
    expect(await listed(b)).toEqual(new Map([[b, true]]));
  });

  it('refuses to delete or rename the Inbox and the special folders, and to delete a folder with folders inside', async () => {
    for (const path of ['INBOX', 'inbox']) {
      await expect(imap((client) => deleteFolder(client, path))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: 'The Inbox cannot be deleted.',
        details: { role: 'inbox', reason: 'protected' },
      });
    }
    await expect(imap((client) => renameFolder(client, 'INBOX', 'Old mail'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { role: 'inbox' } });
    await expect(imap((client) => deleteFolder(client, 'Trash'))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: '"Trash" is this account\'s Trash folder, so it cannot be deleted.',
      details: { role: 'trash' },
    });
    await expect(imap((client) => renameFolder(client, 'Sent', 'Sent 2'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { role: 'sent' } });

    const parent = tag();
    touched.add(parent).add(`${parent}/Child`);
    await imap(async (client) => {
      await createFolder(client, null, parent);
      await createFolder(client, parent, 'Child');
    });
    await expect(imap((client) => deleteFolder(client, parent))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { reason: 'has-children' } });
    await expect(imap((client) => deleteFolder(client, `${parent} missing`))).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const all = await imap((client) => client.list());
    expect(all.map((f) => f.path)).toEqual(expect.arrayContaining(['INBOX', 'Trash', 'Sent', parent, `${parent}/Child`]));
  });

  it('says NOT_FOUND when subscribing to a folder that does not exist, and unsubscribes a stale name', async () => {
    const path = tag();
    touched.add(path);
    await expect(imap((client) => subscribeFolder(client, path))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(imap((client) => unsubscribeFolder(client, path))).resolves.toBeUndefined();
  });
});
