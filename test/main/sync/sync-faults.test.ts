import type { ImapFlow } from 'imapflow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectImap } from '../../../main/imap/connect.js';
import { ImapSession } from '../../../main/imap/imap-session.js';
import { syncFolder, type SyncFeatures } from '../../../main/imap/sync-folder.js';
import { MessageStore } from '../../../main/store/message-store.js';
import { AppError } from '../../../shared/errors.js';
import type { Account } from '../../../shared/schemas.js';
import { testbedAccount } from '../../support/accounts.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { filledMailbox, rawMessage, serverState, storeState } from '../../support/mailbox-state.js';
import { testbed } from '../../support/testbed.js';

/**
 * The sync must be exact whatever moment the connection dies at: these tests cut it at 20 points
 * spread over the bytes a whole sync takes (TLS handshake, login, SELECT, each FETCH), then sync
 * again without a fault and compare every UID and flag with the server's.
 */
const CUTS = 20;

let proxy: FaultProxy;
let direct: ImapFlow;
let viaProxy: Account;

beforeAll(async () => {
  const base = { ...testbedAccount('carol'), id: 'carol-fault-test' } as unknown as Account;
  proxy = await startFaultProxy({ target: { host: testbed().imap.host, port: testbed().imap.tlsPort } });
  viaProxy = { ...base, imap: { ...base.imap, host: '127.0.0.1', port: proxy.port, security: 'tls' } };
  direct = await connectImap(base, testbedAccount('carol').password!);
});
afterAll(async () => {
  await direct.logout();
  await proxy.close();
});

function freshStore(path: string) {
  const store = MessageStore.open(mkdtempSync(join(tmpdir(), 'mua-fault-')));
  const folderId = store.saveFolderList('acct', [
    { path, name: path, role: null, delimiter: '/', selectable: true, subscribed: true, total: null, unread: null },
  ])[0]!.id;
  return { store, folderId };
}

/** One sync attempt through the proxy, in a session of its own, as the app makes it. */
async function attempt(store: MessageStore, folderId: number, path: string, features: Partial<SyncFeatures> = {}) {
  const session = new ImapSession(viaProxy, testbedAccount('carol').password!);
  try {
    return await session.run((client) => syncFolder(client, store, folderId, path, { firstBatch: 50, batchSize: 40, features }));
  } finally {
    await session.close();
  }
}

/** The bytes the server sends for one clean attempt. */
async function measure(run: () => Promise<unknown>): Promise<number> {
  const before = proxy.bytes.all.toClient;
  await run();
  return proxy.bytes.all.toClient - before;
}

async function expectEqualToServer(store: MessageStore, folderId: number, path: string) {
  expect(storeState(store, folderId)).toEqual(await serverState(direct, path));
  const status = await direct.status(path, { messages: true, unseen: true, uidNext: true });
  if (!status) throw new Error(`no STATUS for ${path}`);
  expect(store.counts(folderId)).toEqual({ total: status.messages, unread: status.unseen });
  expect(store.syncState(folderId)).toMatchObject({ oldestUid: 1, uidNext: status.uidNext });
}

/** Cut points spread over the whole exchange, from inside the TLS handshake to the last FETCH. */
const cutPoints = (total: number) => Array.from({ length: CUTS }, (_, i) => Math.max(1, Math.floor((total * (i + 0.5)) / CUTS)));

describe('a first sync cut at 20 points', () => {
  it('fails with a typed network error each time, and the next sync leaves the store equal to the server', async () => {
    const path = await filledMailbox(direct, 300, 'Cut');
    const total = await measure(() => attempt(freshStore(path).store, freshStore(path).folderId, path));
    const codes = new Set<string>();
    for (const at of cutPoints(total)) {
      const { store, folderId } = freshStore(path);
      proxy.cutAfter(at, { direction: 'toClient', connection: 'next' });
      const failure = await attempt(store, folderId, path).then(() => undefined, (error: unknown) => error);
      expect(failure, `cut at byte ${at} of ${total}`).toBeInstanceOf(AppError);
      codes.add((failure as AppError).code);
      await attempt(store, folderId, path);
      await expectEqualToServer(store, folderId, path);
      store.close();
    }
    expect([...codes].every((code) => ['CONNECTION_LOST', 'TLS_REQUIRED', 'TIMEOUT'].includes(code)), [...codes].join()).toBe(true);
  });
});

describe.each([
  { name: 'QRESYNC', features: {} },
  { name: 'neither CONDSTORE nor QRESYNC', features: { condstore: false, qresync: false } },
])('a resync ($name) cut at 20 points', ({ features }) => {
  it('leaves the store equal to the server after the next sync, each time', async () => {
    const path = await filledMailbox(direct, 200, 'Recut');
    const { store, folderId } = freshStore(path);
    await attempt(store, folderId, path, features);
    let next = 1000;

    /** New mail, flag changes both ways and deletions: a resync with something to do in every step. */
    async function changeServer() {
      for (let i = 0; i < 30; i++) await direct.append(path, rawMessage(next++), i % 2 ? ['\\Seen'] : []);
      const lock = await direct.getMailboxLock(path);
      try {
        const uids = (await direct.search({ all: true }, { uid: true })) || [];
        const pick = (n: number, offset: number) => uids.filter((_, i) => i % n === offset).slice(0, 10).join(',');
        await direct.messageFlagsAdd(pick(7, 1), ['\\Flagged', '\\Seen'], { uid: true });
        await direct.messageFlagsRemove(pick(11, 2), ['\\Seen'], { uid: true });
        await direct.messageDelete(pick(13, 3), { uid: true });
      } finally {
        lock.release();
      }
    }

    await changeServer();
    const total = await measure(() => attempt(store, folderId, path, features));
    await expectEqualToServer(store, folderId, path);
    for (const at of cutPoints(total)) {
      await changeServer();
      proxy.cutAfter(at, { direction: 'toClient', connection: 'next' });
      await expect(attempt(store, folderId, path, features), `cut at byte ${at} of ${total}`).rejects.toBeInstanceOf(AppError);
      await attempt(store, folderId, path, features);
      await expectEqualToServer(store, folderId, path);
    }
    store.close();
  });
});
