import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { copyMessages } from '../../../main/imap/copy-messages.js';
import { withImap } from '../../../main/imap/connect.js';
import { deleteMessages } from '../../../main/imap/delete-messages.js';
import { moveMessages } from '../../../main/imap/move-messages.js';
import { searchServer } from '../../../main/imap/search-server.js';
import { setFlags, uidSet } from '../../../main/imap/set-flags.js';
import type { Account } from '../../../shared/schemas.js';
import { testbedAccount } from '../../support/accounts.js';
import { user } from '../../support/testbed.js';

/*
 * Against the test bed's real Dovecot (MOVE, UIDPLUS, CONDSTORE). Every test works in folders
 * of its own ("Act <tag> ...") of carol's, and in carol's Trash only on messages it put there:
 * other test files deliver to carol's Inbox at the same time, and this file never touches it.
 */

const TESTBED = join(import.meta.dirname, '..', '..', 'testbed', 'testbed.sh');
const TRASH = 'Trash';

function carol(): { account: Account; password: string } {
  const { password, ...input } = testbedAccount('carol');
  return { account: { ...input, id: 'acc_actions_test', sentCopy: 'append' }, password };
}

/** A job on a fresh connection of carol's: every call is another IMAP session. */
function imap<T>(job: (client: ImapFlow) => Promise<T>): Promise<T> {
  const { account, password } = carol();
  return withImap(account, password, job);
}

const created: string[] = [];
afterAll(async () => {
  await imap(async (client) => {
    for (const path of created.reverse()) await client.mailboxDelete(path).catch(() => undefined);
  });
});

/** A folder of this test's own, deleted after the file. */
async function folder(label: string): Promise<string> {
  const path = `Act ${randomUUID().slice(0, 8)} ${label}`;
  await imap((client) => client.mailboxCreate(path));
  created.push(path);
  return path;
}

type Mail = { id: string; raw: string };

function mail(headers: { from?: string; to?: string; subject?: string; body?: string } = {}): Mail {
  const id = `<act-${randomUUID()}@example.test>`;
  const raw = [
    `From: ${headers.from ?? 'Sender <sender@example.test>'}`,
    `To: ${headers.to ?? 'carol@example.test'}`,
    `Subject: ${headers.subject ?? 'actions test'}`,
    `Message-ID: ${id}`,
    'Date: Mon, 01 Jan 2024 10:00:00 +0000',
    '',
    headers.body ?? 'body',
    '',
  ].join('\r\n');
  return { id, raw };
}

/** Delivers as the mail system does (doveadm save through testbed.sh), straight into `path`. */
function deliver(path: string, message: Mail): void {
  execFileSync('bash', [TESTBED, 'deliver', user('carol').email, '-', path], { input: message.raw, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** Appends over IMAP, where a test needs a given arrival date or flags; returns the UID. */
async function append(path: string, message: Mail, flags: string[] = [], date?: Date): Promise<number> {
  const result = await imap((client) => client.append(path, message.raw, flags, date));
  if (!result || !result.uid) throw new Error('APPEND returned no UID');
  return result.uid;
}

type Row = { uid: number; id: string; flags: Set<string> };

/** What another session sees in a folder: each message's UID, Message-ID and flags (less \Recent, which depends on who looked first). */
async function contents(path: string): Promise<Row[]> {
  return imap(async (client) => {
    const lock = await client.getMailboxLock(path, { readOnly: true });
    try {
      if (!client.mailbox || !client.mailbox.exists) return [];
      const rows = await client.fetchAll('1:*', { uid: true, envelope: true, flags: true });
      return rows.map((m) => ({ uid: m.uid, id: m.envelope?.messageId ?? '', flags: new Set([...(m.flags ?? [])].filter((f) => f !== '\\Recent')) }));
    } finally {
      lock.release();
    }
  });
}

async function uidOf(path: string, message: Mail): Promise<number> {
  const row = (await contents(path)).find((r) => r.id === message.id);
  if (!row) throw new Error(`${message.id} is not in ${path}`);
  return row.uid;
}

/** Marks a message \Deleted from a session of its own, as another client would, without expunging. */
async function markDeletedElsewhere(path: string, uid: number): Promise<void> {
  await imap(async (client) => {
    const lock = await client.getMailboxLock(path);
    try {
      await client.messageFlagsAdd(String(uid), ['\\Deleted'], { uid: true });
    } finally {
      lock.release();
    }
  });
}

/** Checks that each moved or copied message kept its identity: the map's target UID holds the same Message-ID. */
async function expectMapped(uidMap: Map<number, number> | null, from: Map<number, Mail>, to: string): Promise<void> {
  expect(uidMap).not.toBeNull();
  expect([...uidMap!.keys()].sort((a, b) => a - b)).toEqual([...from.keys()].sort((a, b) => a - b));
  const target = new Map((await contents(to)).map((r) => [r.uid, r.id]));
  for (const [source, dest] of uidMap!) expect(target.get(dest)).toBe(from.get(source)!.id);
}

describe('uidSet', () => {
  it('packs UIDs into ranges and refuses what is not a UID', () => {
    expect(uidSet([9, 3, 4, 5, 7, 4])).toBe('3:5,7,9');
    expect(uidSet([])).toBe('');
    expect(() => uidSet([0])).toThrow(/not a message UID/);
    expect(() => uidSet([1.5])).toThrow(/not a message UID/);
    expect(() => uidSet([Number.NaN])).toThrow(/not a message UID/);
    expect(() => uidSet([2 ** 32])).toThrow(/not a message UID/);
  });
});

describe('setFlags', () => {
  it('adds and removes flags that a second connection sees, and returns the new HIGHESTMODSEQ', async () => {
    const path = await folder('flags');
    const [a, b] = [mail(), mail()];
    deliver(path, a);
    deliver(path, b);
    const [uidA, uidB] = [await uidOf(path, a), await uidOf(path, b)];

    const modseq = await imap((client) => setFlags(client, path, [uidA, uidB], { add: ['\\Seen', '\\flagged', '$Work'] }));
    expect(typeof modseq).toBe('bigint');
    const status = await imap((client) => client.status(path, { highestModseq: true }));
    if (!status) throw new Error('STATUS failed');
    expect(modseq).toBe(status.highestModseq);
    for (const row of await contents(path)) expect([...row.flags]).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged', '$Work']));

    const after = await imap((client) => setFlags(client, path, [uidA], { remove: ['\\Flagged', '$Work'] }));
    expect(after! > modseq!).toBe(true);
    const rows = new Map((await contents(path)).map((r) => [r.uid, r.flags]));
    expect([...rows.get(uidA)!]).not.toContain('\\Flagged');
    expect([...rows.get(uidA)!]).not.toContain('$Work');
    expect([...rows.get(uidA)!]).toContain('\\Seen');
    expect([...rows.get(uidB)!]).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged', '$Work']));
  });

  it('refuses flags that cannot be stored, before sending anything', async () => {
    const path = await folder('bad flags');
    const uid = await append(path, mail());
    for (const flag of ['\\Recent', '\\Important', 'two words', 'paren(', '']) {
      await expect(imap((client) => setFlags(client, path, [uid], { add: [flag] }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(imap((client) => setFlags(client, path, [uid], { add: ['\\Seen'], remove: ['\\seen'] }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect([...(await contents(path))[0]!.flags]).toEqual([]);
  });

  it('says NOT_FOUND for a folder that does not exist', async () => {
    await expect(imap((client) => setFlags(client, `Act missing ${randomUUID()}`, [1], { add: ['\\Seen'] }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('moveMessages', () => {
  it('moves with MOVE, and the uidMap pairs each source UID with its new UID', async () => {
    const [from, to] = [await folder('move from'), await folder('move to')];
    // A message already in the destination, so source and destination UIDs differ.
    await append(to, mail());
    const messages = [mail(), mail(), mail()];
    const uids = new Map<number, Mail>();
    for (const m of messages) uids.set(await append(from, m), m);
    const [keep, ...moving] = [...uids.keys()];

    const result = await imap(async (client) => {
      expect(client.capabilities.has('MOVE')).toBe(true);
      const copy = vi.spyOn(client, 'messageCopy');
      const moved = await moveMessages(client, from, moving, to);
      // MOVE itself, not imapflow's COPY fallback.
      expect(copy).not.toHaveBeenCalled();
      return moved;
    });

    expect(result.leftInSource).toEqual([]);
    await expectMapped(result.uidMap, new Map(moving.map((u) => [u, uids.get(u)!])), to);
    expect((await contents(from)).map((r) => r.uid)).toEqual([keep]);
  });

  it('falls back to COPY and UID EXPUNGE without MOVE, and leaves a message another session marked \\Deleted', async () => {
    const [from, to] = [await folder('fallback from'), await folder('fallback to')];
    const [a, b, other] = [mail(), mail(), mail({ subject: 'marked elsewhere' })];
    const [uidA, uidB, uidOther] = [await append(from, a), await append(from, b), await append(from, other)];
    await markDeletedElsewhere(from, uidOther);

    const result = await imap(async (client) => {
      // imapflow reads capabilities from this map (tools.hasCapability), so this forces its fallback.
      client.capabilities.delete('MOVE');
      const copy = vi.spyOn(client, 'messageCopy');
      const remove = vi.spyOn(client, 'messageDelete');
      const moved = await moveMessages(client, from, [uidA, uidB], to);
      expect(copy).toHaveBeenCalledTimes(1);
      expect(remove).toHaveBeenCalledTimes(1);
      return moved;
    });

    expect(result.leftInSource).toEqual([]);
    await expectMapped(result.uidMap, new Map([[uidA, a], [uidB, b]]), to);
    const left = await contents(from);
    expect(left.map((r) => r.uid)).toEqual([uidOther]);
    expect([...left[0]!.flags]).toContain('\\Deleted');
  });

  it('without MOVE or UIDPLUS, expunges only when no other message is marked \\Deleted, else leaves its own marked', async () => {
    const [from, to] = [await folder('no uidplus from'), await folder('no uidplus to')];
    const [a, b, other] = [mail(), mail(), mail({ subject: 'marked elsewhere' })];
    const [uidA, uidB, uidOther] = [await append(from, a), await append(from, b), await append(from, other)];
    const without = (client: ImapFlow) => {
      client.capabilities.delete('MOVE');
      client.capabilities.delete('UIDPLUS');
    };

    // Nobody else has marked anything: a plain EXPUNGE removes just the moved message.
    const first = await imap(async (client) => {
      without(client);
      return moveMessages(client, from, [uidA], to);
    });
    expect(first.leftInSource).toEqual([]);
    expect((await contents(from)).map((r) => r.uid)).toEqual([uidB, uidOther]);

    // Another session marked a message: EXPUNGE would take it too, so ours stays, marked.
    await markDeletedElsewhere(from, uidOther);
    const second = await imap(async (client) => {
      without(client);
      return moveMessages(client, from, [uidB], to);
    });
    expect(second.leftInSource).toEqual([uidB]);
    const left = new Map((await contents(from)).map((r) => [r.uid, r.flags]));
    expect([...left.keys()]).toEqual([uidB, uidOther]);
    expect([...left.get(uidB)!]).toContain('\\Deleted');
    expect([...left.get(uidOther)!]).toContain('\\Deleted');
    // The copies arrived all the same, with their UIDs reported.
    await expectMapped(first.uidMap, new Map([[uidA, a]]), to);
    await expectMapped(second.uidMap, new Map([[uidB, b]]), to);
  });

  it('says NOT_FOUND for a destination that does not exist, and leaves the messages where they were', async () => {
    const from = await folder('move nowhere');
    const uid = await append(from, mail());
    await expect(imap((client) => moveMessages(client, from, [uid], `Act missing ${randomUUID()}`))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      imap(async (client) => {
        client.capabilities.delete('MOVE');
        return moveMessages(client, from, [uid], `Act missing ${randomUUID()}`);
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const left = await contents(from);
    expect(left.map((r) => r.uid)).toEqual([uid]);
    expect([...left[0]!.flags]).not.toContain('\\Deleted');
  });

  it('refuses a move into the same folder', async () => {
    const path = await folder('same');
    await expect(imap((client) => moveMessages(client, path, [1], path))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('copyMessages', () => {
  it('copies, maps each UID to its copy, and leaves the originals', async () => {
    const [from, to] = [await folder('copy from'), await folder('copy to')];
    await append(to, mail());
    const [a, b] = [mail(), mail()];
    const [uidA, uidB] = [await append(from, a, ['\\Seen']), await append(from, b)];

    const { uidMap } = await imap((client) => copyMessages(client, from, [uidA, uidB], to));

    await expectMapped(uidMap, new Map([[uidA, a], [uidB, b]]), to);
    expect((await contents(from)).map((r) => r.id)).toEqual([a.id, b.id]);
    const copied = (await contents(to)).find((r) => r.id === a.id)!;
    expect([...copied.flags]).toContain('\\Seen');
  });
});

describe('deleteMessages', () => {
  it('moves to Trash, then inside Trash deletes for good only the given UIDs', async () => {
    const path = await folder('delete');
    const [a, b, keep] = [mail({ subject: 'to trash a' }), mail({ subject: 'to trash b' }), mail({ subject: 'stays' })];
    const [uidA, uidB, uidKeep] = [await append(path, a), await append(path, b), await append(path, keep)];

    const trashed = await imap((client) => deleteMessages(client, path, [uidA, uidB], { trashPath: TRASH }));
    expect(trashed.movedToTrash).toBe(true);
    expect((await contents(path)).map((r) => r.uid)).toEqual([uidKeep]);
    await expectMapped(trashed.uidMap, new Map([[uidA, a], [uidB, b]]), TRASH);
    const [inTrashA, inTrashB] = [trashed.uidMap!.get(uidA)!, trashed.uidMap!.get(uidB)!];

    // Another session marks b \Deleted in Trash; deleting a for good must not take b with it.
    await markDeletedElsewhere(TRASH, inTrashB);
    const gone = await imap((client) => deleteMessages(client, TRASH, [inTrashA], { trashPath: TRASH }));
    expect(gone).toEqual({ movedToTrash: false, uidMap: null, leftInSource: [] });
    const trash = new Map((await contents(TRASH)).map((r) => [r.uid, r]));
    expect(trash.has(inTrashA)).toBe(false);
    expect(trash.get(inTrashB)?.id).toBe(b.id);
    expect([...trash.get(inTrashB)!.flags]).toContain('\\Deleted');

    await imap((client) => deleteMessages(client, TRASH, [inTrashB], { trashPath: TRASH }));
    expect((await contents(TRASH)).some((r) => r.id === b.id)).toBe(false);
  });

  it('deletes for good where the account has no Trash', async () => {
    const path = await folder('no trash');
    const [a, keep] = [mail(), mail()];
    const [uidA, uidKeep] = [await append(path, a), await append(path, keep)];
    const result = await imap((client) => deleteMessages(client, path, [uidA], { trashPath: null }));
    expect(result.movedToTrash).toBe(false);
    expect((await contents(path)).map((r) => r.uid)).toEqual([uidKeep]);
    expect((await contents(TRASH)).some((r) => r.id === a.id)).toBe(false);
  });

  it('says NOT_FOUND when the Trash named does not exist, and deletes nothing', async () => {
    const path = await folder('trash missing');
    const uid = await append(path, mail());
    await expect(imap((client) => deleteMessages(client, path, [uid], { trashPath: `Act missing ${randomUUID()}` }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await contents(path)).map((r) => r.uid)).toEqual([uid]);
  });
});

describe('searchServer', () => {
  it('finds messages by from, to, subject, text, unseen, flagged and date on the server', async () => {
    const path = await folder('search');
    const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
    const old = await append(path, mail({ from: 'Zed Old <zed@old.test>', subject: 'Quarterly report' }), ['\\Seen'], day('2020-03-10'));
    const mid = await append(path, mail({ from: 'Amy <amy@example.test>', subject: 'Lunch?', body: 'pineapple pizza' }), [], day('2022-06-15'));
    const recent = await append(path, mail({ from: 'Zed New <zed@new.test>', to: 'dave@example.test', subject: 'Report draft' }), ['\\Flagged'], day('2024-11-20'));

    const search = (query: Parameters<typeof searchServer>[2]) => imap((client) => searchServer(client, path, query));
    expect(await search({})).toEqual([old, mid, recent]);
    expect(await search({ from: 'zed' })).toEqual([old, recent]);
    expect(await search({ from: 'amy@example.test' })).toEqual([mid]);
    expect(await search({ to: 'dave' })).toEqual([recent]);
    expect(await search({ subject: 'report' })).toEqual([old, recent]);
    expect(await search({ text: 'pineapple' })).toEqual([mid]);
    expect(await search({ unseen: true })).toEqual([mid, recent]);
    expect(await search({ unseen: false })).toEqual([old]);
    expect(await search({ flagged: true })).toEqual([recent]);
    expect(await search({ since: day('2022-01-01') })).toEqual([mid, recent]);
    expect(await search({ before: new Date('2022-01-01T00:00:00Z') })).toEqual([old]);
    expect(await search({ since: day('2021-01-01'), before: day('2023-01-01') })).toEqual([mid]);
    // Dovecot has WITHIN, so imapflow sends YOUNGER/OLDER seconds: the bounds are exact to the second.
    expect(await search({ since: new Date('2022-06-15T11:59:00Z'), before: new Date('2022-06-15T12:01:00Z') })).toEqual([mid]);
    expect(await search({ since: new Date('2022-06-15T12:01:00Z'), before: new Date('2022-06-16T00:00:00Z') })).toEqual([]);
    // Without WITHIN, IMAP dates have day precision, and a day's search includes that whole day.
    const byDay = await imap(async (client) => {
      client.capabilities.delete('WITHIN');
      return searchServer(client, path, { since: new Date('2022-06-15T23:00:00Z'), before: new Date('2022-06-15T01:00:00Z') });
    });
    expect(byDay).toEqual([mid]);
    expect(await search({ from: 'zed', unseen: true })).toEqual([recent]);
    expect(await search({ subject: 'nothing like this' })).toEqual([]);
  });

  it('refuses an invalid date and says NOT_FOUND for a missing folder', async () => {
    const path = await folder('search errors');
    await expect(imap((client) => searchServer(client, path, { since: new Date('nope') }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(imap((client) => searchServer(client, `Act missing ${randomUUID()}`, { unseen: true }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
