import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPop3, type CheckPop3Options, type CheckPop3Summary } from '../../../main/pop3/download-loop.js';
import { Pop3Client, type Pop3ClientOptions } from '../../../main/pop3/pop3-client.js';
import { isPop3Failure, isUidlUnsupported } from '../../../main/pop3/pop3-errors.js';
import { MessageStore } from '../../../main/store/message-store.js';
import { Pop3Uids } from '../../../main/store/pop3-uids.js';
import { credentials, deliver, findBySubject, mustFind, OPTIONS, pop3Settings } from './dovecot-support.js';
import { startFakePop3, type FakeAnswer, type FakePop3, type FakeSession } from './fake-pop3-server.js';
import { failure } from '../../support/app-error.js';

/*
 * The POP3 download loop: against Dovecot for the real thing, and against a scripted server for
 * the faults. After every fault the next check must leave each message in the store exactly once.
 */

const FAST: Pop3ClientOptions = { timeouts: { connectMs: 2_000, greetingMs: 2_000, readMs: 1_000 } };

function fixture(accountId = 'acct-pop3') {
  const profile = mkdtempSync(join(tmpdir(), 'pop3-loop-'));
  const store = MessageStore.open(profile);
  stores.push(store);
  return { store, accountId, bodiesDir: join(profile, 'bodies') };
}

const stores: MessageStore[] = [];
const servers: FakePop3[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const store of stores.splice(0)) store.close();
});

/** How many rows each Message-ID has in the account's folders. */
function rowsPerMessageId(store: MessageStore, accountId: string): Record<string, number> {
  const rows = store.db
    .prepare(`SELECT m.message_id AS id, count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id
      WHERE f.account_id = ? GROUP BY m.message_id`)
    .all(accountId) as { id: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.id, r.n]));
}

function rowsWithSubject(store: MessageStore, accountId: string, subject: string): number {
  return store.db
    .prepare('SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.account_id = ? AND m.subject = ?')
    .pluck()
    .get(accountId, subject) as number;
}

function records(store: MessageStore, accountId: string) {
  return new Pop3Uids(store).records(accountId);
}

// ---------------------------------------------------------------------------------------------
// A scripted server holding a real mailbox: UIDL, LIST, RETR, DELE (committed at QUIT only).

type FakeMessage = { uidl: string; raw: string };

function rawMessage(name: string): string {
  return (
    `From: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: ${name}\r\n` +
    `Message-ID: <${name}@example.test>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nThis is ${name}.\r\n`
  );
}

type Faults = {
  /** -ERR to PASS. */
  refusePass?: boolean;
  /** No UIDL (-ERR). */
  noUidl?: boolean;
  /** RETR of this UIDL sends half the message and drops. */
  dropInRetr?: string;
  /** QUIT: the connection drops before +OK, and the DELEs are not committed. */
  dropAtQuit?: boolean;
  /** A line that is no POP3 reply instead of UIDL's answer. */
  garbageUidl?: boolean;
  /** A UIDL listing line far longer than any client accepts. */
  longUidlLine?: boolean;
  /** RETR is never answered. */
  stallRetr?: boolean;
  /** CAPA lists PIPELINING (the client then sends RETRs ahead of the answers). */
  pipelining?: boolean;
  /** RETR of this UIDL answers -ERR (as when another session deleted it meanwhile). */
  errOnRetr?: string;
};

class Mailbox {
  messages: FakeMessage[];
  faults: Faults = {};
  constructor(names: string[]) {
    this.messages = names.map((name) => ({ uidl: `uid-${name}`, raw: rawMessage(name) }));
  }

  async serve(): Promise<FakePop3> {
    const sessions = new Map<FakeSession['socket'], { view: FakeMessage[]; marked: Set<number> }>();
    const server = await startFakePop3({
      answer: (line, session): FakeAnswer => {
        let state = sessions.get(session.socket);
        if (!state) sessions.set(session.socket, (state = { view: [...this.messages], marked: new Set() }));
        const [command = '', arg] = line.split(' ');
        const n = Number(arg);
        const message = state.view[n - 1];
        const multi = (lines: string[]) => session.write(['+OK', ...lines, '.'].join('\r\n') + '\r\n');
        switch (command.toUpperCase()) {
          case 'CAPA':
            multi([...(this.faults.noUidl ? ['USER', 'TOP'] : ['USER', 'TOP', 'UIDL']), ...(this.faults.pipelining ? ['PIPELINING'] : [])]);
            return;
          case 'USER':
            return '+OK';
          case 'PASS':
            return this.faults.refusePass ? '-ERR [AUTH] Invalid login' : '+OK logged in';
          case 'UIDL':
            if (this.faults.noUidl) return '-ERR unknown command';
            if (this.faults.garbageUidl) return '* this is not POP3';
            if (this.faults.longUidlLine) return multi(['1 ' + 'x'.repeat(100_000)]);
            multi(state.view.flatMap((m, i) => (state.marked.has(i + 1) ? [] : [`${i + 1} ${m.uidl}`])));
            return;
          case 'LIST':
            multi(state.view.flatMap((m, i) => (state.marked.has(i + 1) ? [] : [`${i + 1} ${Buffer.byteLength(m.raw)}`])));
            return;
          case 'RETR':
            if (!message || state.marked.has(n)) return '-ERR no such message';
            if (this.faults.stallRetr) return;
            if (this.faults.errOnRetr === message.uidl) return '-ERR [SYS/TEMP] message is gone';
            if (this.faults.dropInRetr === message.uidl) {
              session.write(`+OK\r\n${message.raw.slice(0, 40)}`);
              session.socket.destroy();
              return;
            }
            session.write(`+OK ${Buffer.byteLength(message.raw)} octets\r\n${message.raw}.\r\n`);
            return;
          case 'DELE':
            if (!message || state.marked.has(n)) return '-ERR no such message';
            state.marked.add(n);
            return '+OK marked';
          case 'QUIT': {
            if (this.faults.dropAtQuit) {
              session.socket.destroy();
              return;
            }
            const gone = new Set([...state.marked].map((i) => state.view[i - 1]!));
            this.messages = this.messages.filter((m) => !gone.has(m));
            session.write('+OK bye\r\n');
            session.socket.end();
            return;
          }
          default:
            return '-ERR unknown command';
        }
      },
    });
    servers.push(server);
    return server;
  }
}

async function fakeSetup(names: string[]) {
  const box = new Mailbox(names);
  const server = await box.serve();
  const fx = fixture();
  const base: CheckPop3Options = {
    ...fx,
    settings: { host: server.host, port: server.port, security: 'none', authMethod: 'USER' },
    credentials: { user: 'dana@example.test', password: 'secret' },
    clientOptions: FAST,
  };
  const check = (extra: Partial<CheckPop3Options> = {}): Promise<CheckPop3Summary> => checkPop3({ ...base, ...extra });
  const once = (...ids: string[]) => Object.fromEntries(ids.map((id) => [`<${id}@example.test>`, 1]));
  return { box, server, ...fx, check, once };
}

describe('download loop against a scripted server', () => {
  it('downloads new messages by UIDL into the local Inbox, with their files, and never twice', async () => {
    const { box, store, accountId, bodiesDir, check, once } = await fakeSetup(['a', 'b', 'c']);
    const progress: { done: number; total: number }[] = [];
    expect(await check({ onProgress: (p) => progress.push(p) })).toEqual({ downloaded: 3, deleted: 0, skipped: 0 });
    expect(progress.at(-1)).toEqual({ done: 3, total: 3 });
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b', 'c'));

    const folders = store.folders(accountId);
    expect(folders.map((f) => [f.path, f.role]).sort()).toEqual([['Drafts', 'drafts'], ['INBOX', 'inbox'], ['Sent', 'sent'], ['Trash', 'trash']]);
    const inbox = folders.find((f) => f.role === 'inbox')!;
    const stored = store.message(inbox.id, 1)!;
    expect(stored.subject).toBe('a');
    expect(stored.from).toEqual({ name: 'Alice', address: 'alice@example.test' });
    expect(stored.to).toEqual([{ name: 'Bob', address: 'bob@example.test' }]);
    expect(stored.bodyText).toContain('This is a.');
    // A small message's source is kept in the store, byte for byte, with no file of its own.
    expect(stored.sourceInStore).toBe(true);
    expect(stored.bodyFile).toBeNull();
    expect(store.sourceOf(inbox.id, 1)?.toString('latin1')).toBe(box.messages[0]!.raw);
    expect(existsSync(join(bodiesDir, accountId, String(inbox.id), '1.eml'))).toBe(false);

    // The first message goes from the server: every number shifts, the UIDLs do not.
    box.messages.shift();
    box.messages.push({ uidl: 'uid-d', raw: rawMessage('d') });
    expect(await check()).toEqual({ downloaded: 1, deleted: 0, skipped: 2 });
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b', 'c', 'd'));
  });

  it('keeps a message larger than 256 KiB in a file of its own, whole, and reads its text from there', async () => {
    const { box, store, accountId, bodiesDir, check } = await fakeSetup([]);
    const big = rawMessage('big').replace('This is big.', 'This is big.\r\n' + 'x'.repeat(76).concat('\r\n').repeat(5_000));
    box.messages.push({ uidl: 'uid-big', raw: big });
    expect(await check()).toEqual({ downloaded: 1, deleted: 0, skipped: 0 });
    const inbox = store.folderByPath(accountId, 'INBOX')!;
    const row = store.listMessages(inbox.id)[0]!;
    const kept = store.message(inbox.id, row.uid)!;
    expect(kept.sourceInStore).toBe(false);
    expect(readFileSync(join(bodiesDir, kept.bodyFile!), 'latin1')).toBe(big);
    expect(kept.size).toBe(Buffer.byteLength(big));
    expect(kept.bodyText).toContain('This is big.');
  });

  it('with PIPELINING, sends RETRs ahead and stores every message once, in order', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const { box, server, store, accountId, check, once } = await fakeSetup(names);
    box.faults.pipelining = true;
    expect(await check()).toEqual({ downloaded: 40, deleted: 0, skipped: 0 });
    expect(rowsPerMessageId(store, accountId)).toEqual(once(...names));
    const inbox = store.folderByPath(accountId, 'INBOX')!;
    const byUid = [...store.listMessages(inbox.id, { limit: 100 })].sort((a, b) => a.uid - b.uid).map((m) => m.subject);
    expect(byUid).toEqual(names);
    // Sent ahead: several RETR lines arrive in one read (one after another, each would come alone).
    const most = Math.max(...server.chunks().map((chunk) => chunk.split('RETR ').length - 1));
    expect(most).toBeGreaterThanOrEqual(8);
  });

  it('with PIPELINING, a -ERR or a drop mid-way keeps what came whole; the next check stores each message once', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { box, store, accountId, check, once } = await fakeSetup(names);
    box.faults = { pipelining: true, errOnRetr: 'uid-c' };
    expect((await failure(check())).serverReply).toContain('message is gone');
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b'));
    box.faults = { pipelining: true, dropInRetr: 'uid-e' };
    expect((await failure(check())).code).toBe('CONNECTION_LOST');
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b', 'c', 'd'));
    box.faults = { pipelining: true };
    expect(await check()).toEqual({ downloaded: 2, deleted: 0, skipped: 4 });
    expect(rowsPerMessageId(store, accountId)).toEqual(once(...names));
  });

  it('a drop in the middle of RETR stores nothing of that message; the next check downloads it once', async () => {
    const { box, store, accountId, bodiesDir, check, once } = await fakeSetup(['a', 'b', 'c']);
    box.faults.dropInRetr = 'uid-b';
    const error = await failure(check());
    expect(error.code).toBe('CONNECTION_LOST');
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a'));
    expect([...records(store, accountId).keys()]).toEqual(['uid-a']);
    const inbox = store.folderByPath(accountId, 'INBOX')!;
    expect(store.sourceOf(inbox.id, 1)?.toString('latin1')).toBe(rawMessage('a'));
    // Nothing of b on disk either.
    const folderDir = join(bodiesDir, accountId, String(inbox.id));
    expect(existsSync(folderDir) ? readdirSync(folderDir) : []).toEqual([]);

    box.faults = {};
    expect(await check()).toEqual({ downloaded: 2, deleted: 0, skipped: 1 });
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b', 'c'));
  });

  it('a crash between RETR and the local write leaves no row and no had UIDL; the next check downloads it once', async () => {
    const { store, accountId, check, once } = await fakeSetup(['a', 'b']);
    const error = await check({
      beforeStore: (uidl) => {
        if (uidl === 'uid-b') throw new Error('the app died here');
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a'));
    expect(records(store, accountId).has('uid-b')).toBe(false);

    expect(await check()).toEqual({ downloaded: 1, deleted: 0, skipped: 1 });
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b'));
  });

  it('a drop between DELE and QUIT deletes nothing and duplicates nothing; the next check deletes', async () => {
    const { box, store, accountId, check, once } = await fakeSetup(['a', 'b']);
    box.faults.dropAtQuit = true;
    const error = await failure(check({ policy: { leaveOnServer: false } }));
    expect(error.code).toBe('CONNECTION_LOST');
    expect(box.messages.map((m) => m.uidl)).toEqual(['uid-a', 'uid-b']);
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b'));
    expect([...records(store, accountId).values()].map((r) => [r.uidl, r.deletedFromServer])).toEqual([
      ['uid-a', false],
      ['uid-b', false],
    ]);

    box.faults = {};
    expect(await check({ policy: { leaveOnServer: false } })).toEqual({ downloaded: 0, deleted: 2, skipped: 2 });
    expect(box.messages).toEqual([]);
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b'));
    expect([...records(store, accountId).values()].every((r) => r.deletedFromServer)).toBe(true);
  });

  it('-ERR to PASS is AUTH_FAILED with the server text, and writes no message', async () => {
    const { box, store, accountId, check, once } = await fakeSetup(['a']);
    box.faults.refusePass = true;
    const error = await failure(check());
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.serverReply).toContain('Invalid login');
    expect(rowsPerMessageId(store, accountId)).toEqual({});
    expect(records(store, accountId).size).toBe(0);

    box.faults = {};
    await check();
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a'));
  });

  it('a server without UIDL fails clearly when messages are to be left on it, and retrieves nothing', async () => {
    const { box, server, store, accountId, check } = await fakeSetup(['a']);
    box.faults.noUidl = true;
    const error = await failure(check());
    expect(error.code).toBe('SERVER_ERROR');
    expect(isUidlUnsupported(error)).toBe(true);
    expect(error.message).toMatch(/does not support UIDL.*Leave messages on server/);
    expect(server.received.some((l) => l.startsWith('RETR'))).toBe(false);
    expect(rowsPerMessageId(store, accountId)).toEqual({});
    expect(box.messages).toHaveLength(1);
  });

  it('without UIDL and leave-on-server off: downloads and deletes, and a drop before QUIT duplicates nothing', async () => {
    const { box, store, accountId, check, once } = await fakeSetup(['a', 'b']);
    box.faults = { noUidl: true, dropAtQuit: true };
    await failure(check({ policy: { leaveOnServer: false } }));
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b'));
    expect(box.messages).toHaveLength(2);

    box.faults = { noUidl: true };
    expect(await check({ policy: { leaveOnServer: false } })).toEqual({ downloaded: 0, deleted: 2, skipped: 2 });
    expect(box.messages).toEqual([]);
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b'));
    // Confirmed gone: the content records are no longer needed.
    expect(records(store, accountId).size).toBe(0);
  });

  it('garbage and over-long lines are typed errors that store nothing; the next check stores each message once', async () => {
    const { box, store, accountId, check, once } = await fakeSetup(['a', 'b']);
    box.faults.garbageUidl = true;
    expect(isPop3Failure(await failure(check()), 'protocol-violation')).toBe(true);
    box.faults = { longUidlLine: true };
    expect(isPop3Failure(await failure(check()), 'line-too-long')).toBe(true);
    expect(rowsPerMessageId(store, accountId)).toEqual({});

    box.faults = {};
    expect(await check()).toEqual({ downloaded: 2, deleted: 0, skipped: 0 });
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'b'));
  });

  it('a server that stops answering times out, storing nothing; the next check stores each message once', async () => {
    const { box, store, accountId, check, once } = await fakeSetup(['a']);
    box.faults.stallRetr = true;
    const started = Date.now();
    const error = await failure(check());
    expect(error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(rowsPerMessageId(store, accountId)).toEqual({});

    box.faults = {};
    await check();
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a'));
  });

  it('deletes from the server after N days, and when deleted locally, only once confirmed at QUIT', async () => {
    const { box, store, accountId, check, once } = await fakeSetup(['a', 'b', 'c']);
    const day = 86_400_000;
    const t0 = Date.UTC(2024, 0, 10);
    await check({ now: () => t0 });
    const inbox = store.folderByPath(accountId, 'INBOX')!;
    // b deleted locally (its row gone): deleted from the server at the next check.
    store.removeUids(inbox.id, [2]);
    expect(await check({ now: () => t0 + day, policy: { deleteWhenDeletedLocally: true } })).toEqual({ downloaded: 0, deleted: 1, skipped: 3 });
    expect(box.messages.map((m) => m.uidl)).toEqual(['uid-a', 'uid-c']);
    // A new local message does not reuse b's UID.
    box.messages.push({ uidl: 'uid-d', raw: rawMessage('d') });
    await check({ now: () => t0 + day });
    const d = store.listMessages(inbox.id).find((m) => m.subject === 'd')!;
    expect(d.uid).toBeGreaterThan(3);

    // After 7 days: a and c (downloaded at t0) go, d (a day later) stays.
    expect(await check({ now: () => t0 + 7 * day, policy: { deleteAfterDays: 7 } })).toEqual({ downloaded: 0, deleted: 2, skipped: 3 });
    expect(box.messages.map((m) => m.uidl)).toEqual(['uid-d']);
    expect(rowsPerMessageId(store, accountId)).toEqual(once('a', 'c', 'd'));
  });
});

// ---------------------------------------------------------------------------------------------
// The real thing. bob's INBOX is shared with other test files, so each test delivers messages
// with unique subjects and first records every other message there as had (as an import from
// another client would), so that the loop neither downloads nor deletes anyone else's mail.

const dir = mkdtempSync(join(tmpdir(), 'pop3-loop-dovecot-'));

function deliverUnique(subject: string): void {
  const file = join(dir, `${randomUUID()}.eml`);
  writeFileSync(
    file,
    `From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\n` +
      `Message-ID: <${randomUUID()}@example.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nBody of ${subject}.\r\n`,
  );
  deliver('bob', file);
}

/** Records every message in bob's INBOX but those with the given subjects as had. */
async function othersAsHad(store: MessageStore, accountId: string, subjects: string[], deletedFromServer: boolean): Promise<void> {
  const client = await Pop3Client.connect(pop3Settings('tls'), credentials('bob'), OPTIONS);
  try {
    const ours = new Set<string>();
    for (const subject of subjects) ours.add((await mustFind(client, subject)).uid);
    const others = (await client.uidl()).map((e) => e.uid).filter((uid) => !ours.has(uid));
    new Pop3Uids(store).recordHad(accountId, others, { deletedFromServer });
  } finally {
    await client.quit();
  }
}

async function onServer(subject: string): Promise<boolean> {
  const client = await Pop3Client.connect(pop3Settings('tls'), credentials('bob'), OPTIONS);
  try {
    return (await findBySubject(client, subject)) !== undefined;
  } finally {
    await client.quit();
  }
}

function dovecotCheck(fx: ReturnType<typeof fixture>, extra: Partial<CheckPop3Options> = {}) {
  return checkPop3({ ...fx, settings: pop3Settings('tls'), credentials: credentials('bob'), clientOptions: OPTIONS, ...extra });
}

describe('download loop against Dovecot over 995', () => {
  it('downloads, leaves the messages on the server, and a second check downloads nothing new', async () => {
    const fx = fixture();
    const subjects = [`loop-leave-1 ${randomUUID()}`, `loop-leave-2 ${randomUUID()}`];
    for (const s of subjects) deliverUnique(s);
    await othersAsHad(fx.store, fx.accountId, subjects, false);

    const first = await dovecotCheck(fx);
    expect(first.downloaded).toBeGreaterThanOrEqual(2);
    expect(first.deleted).toBe(0);
    for (const s of subjects) expect(rowsWithSubject(fx.store, fx.accountId, s)).toBe(1);
    const inbox = fx.store.folderByPath(fx.accountId, 'INBOX')!;
    const row = fx.store.listMessages(inbox.id).find((m) => m.subject === subjects[0])!;
    const kept = fx.store.message(inbox.id, row.uid)!;
    expect(kept.bodyText).toContain(`Body of ${subjects[0]}.`);
    expect(kept.sourceInStore).toBe(true);
    expect(fx.store.sourceOf(inbox.id, row.uid)?.toString('latin1')).toContain(`Subject: ${subjects[0]}`);
    for (const s of subjects) expect(await onServer(s)).toBe(true);

    const second = await dovecotCheck(fx);
    expect(second.skipped).toBeGreaterThanOrEqual(2);
    for (const s of subjects) expect(rowsWithSubject(fx.store, fx.accountId, s)).toBe(1);
    for (const s of subjects) expect(await onServer(s)).toBe(true);
  });

  it('deletes after download when messages are not left on the server', async () => {
    const fx = fixture();
    const subject = `loop-delete ${randomUUID()}`;
    deliverUnique(subject);
    await othersAsHad(fx.store, fx.accountId, [subject], true);

    const summary = await dovecotCheck(fx, { policy: { leaveOnServer: false } });
    expect(summary.downloaded).toBeGreaterThanOrEqual(1);
    expect(rowsWithSubject(fx.store, fx.accountId, subject)).toBe(1);
    expect(await onServer(subject)).toBe(false);

    await dovecotCheck(fx, { policy: { leaveOnServer: false } });
    expect(rowsWithSubject(fx.store, fx.accountId, subject)).toBe(1);
  });
});
