import type { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../../shared/contract.js';
import { value } from '../../support/accounts.js';
import { carolThroughProxy, type App } from '../../support/carol-through-proxy.js';
import { filledMailbox } from '../../support/mailbox-state.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * Undo of Delete and Move (messages.undo), checked on the test bed's Dovecot itself: after undo
 * the message is back in its folder on the server with its flags, and nowhere else; whether the
 * server had done the delete already (a move back is queued) or not yet (the queued action is
 * taken out). Carol's account goes through a proxy that can take the server "offline".
 */
const bed = carolThroughProxy();

const list = async (app: App, accountId: string, folder: string) => value(await app.client.invoke('messages.list', { accountId, folder, limit: 500 }));

/** The messages of a folder on the server, by Message-ID: their UID and flags (\Recent, a session's, left out). */
async function onServer(client: ImapFlow, path: string): Promise<Map<string, { uid: number; flags: string[] }>> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    await client.noop();
    if (!client.mailbox || client.mailbox.exists === 0) return new Map();
    const all = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true });
    return new Map(all.map((m) => [m.envelope?.messageId ?? '', { uid: m.uid, flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort() }]));
  } finally {
    lock.release();
  }
}

const until = (check: () => Promise<boolean>, what: string) => waitFor(async () => ((await check()) ? true : undefined), what);

function record<E extends EventName>(app: App, event: E): EventPayload<E>[] {
  const seen: EventPayload<E>[] = [];
  app.client.on(event, (payload) => seen.push(payload));
  return seen;
}

/** A fresh folder of three messages, the third one seen and flagged on the server. */
async function folderWithFlaggedMessage() {
  const path = await filledMailbox(bed.direct, 3, 'Undo');
  const lock = await bed.direct.getMailboxLock(path);
  try {
    await bed.direct.messageFlagsAdd({ uid: '3' }, ['\\Flagged'], { uid: true });
  } finally {
    lock.release();
  }
  const [messageId] = [...(await onServer(bed.direct, path)).entries()].find(([, m]) => m.uid === 3)!;
  return { path, messageId };
}

describe('undo of Delete', () => {
  it('after the server moved it to Trash: moves it back, flags and all, and leaves nothing in Trash', async () => {
    const { path, messageId } = await folderWithFlaggedMessage();
    const { app, account } = await bed.app();
    await list(app, account.id, path);
    // Trash is listed too, so the deleted copy shows there first and must go from there as well.
    await list(app, account.id, 'Trash');
    const failures = record(app, 'action.failed');

    const { actionId } = value(await app.client.invoke('messages.delete', { accountId: account.id, folder: path, uids: [3] }));
    await until(async () => !(await onServer(bed.direct, path)).has(messageId), 'the delete on the server');
    expect((await onServer(bed.direct, 'Trash')).get(messageId)?.flags).toEqual(['\\Flagged', '\\Seen']);
    await waitFor(async () => (await list(app, account.id, 'Trash')).find((m) => m.messageId === messageId), 'the copy in Trash, locally');

    const undone = value(await app.client.invoke('messages.undo', { accountId: account.id, actionId }));
    expect(undone).toEqual({ undone: true, actionId: expect.any(Number) });
    // Shown back at once, as it was, before the server has it.
    const shown = (await list(app, account.id, path)).filter((m) => m.messageId === messageId);
    expect(shown).toEqual([expect.objectContaining({ uid: 3, flagged: true, unread: false })]);
    expect((await list(app, account.id, 'Trash')).some((m) => m.messageId === messageId)).toBe(false);

    await until(async () => (await onServer(bed.direct, path)).has(messageId), 'the message back on the server');
    const back = (await onServer(bed.direct, path)).get(messageId)!;
    expect(back.flags).toEqual(['\\Flagged', '\\Seen']);
    expect((await onServer(bed.direct, 'Trash')).has(messageId)).toBe(false);
    // The app lists it under the UID the server gave it, once, and a sync finds nothing new.
    await until(async () => (await list(app, account.id, path)).some((m) => m.uid === back.uid), 'the new UID locally');
    const arrivals = record(app, 'mail.arrived');
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: path }));
    expect((await list(app, account.id, path)).filter((m) => m.messageId === messageId)).toEqual([
      expect.objectContaining({ uid: back.uid, flagged: true, unread: false }),
    ]);
    expect((await list(app, account.id, path)).map((m) => m.uid).sort()).toEqual([1, 2, back.uid]);
    expect(arrivals.filter((a) => a.folder === path)).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('before the server saw it (offline): takes it out of the queue, so the server never moves it', async () => {
    const { path, messageId } = await folderWithFlaggedMessage();
    const { app, account } = await bed.app();
    await list(app, account.id, path);
    const before = await onServer(bed.direct, path);
    bed.proxy.refuse();
    bed.proxy.cutAll();

    const { actionId } = value(await app.client.invoke('messages.delete', { accountId: account.id, folder: path, uids: [3] }));
    expect((await list(app, account.id, path)).map((m) => m.uid)).toEqual([2, 1]);
    expect(value(await app.client.invoke('messages.undo', { accountId: account.id, actionId }))).toEqual({ undone: true });
    expect((await list(app, account.id, path)).find((m) => m.uid === 3)).toMatchObject({ messageId, flagged: true, unread: false });

    // Back online: a sync sends whatever is queued first; nothing is.
    bed.proxy.accept();
    value(await app.client.invoke('folder.sync', { accountId: account.id, folder: path }));
    expect(await onServer(bed.direct, path)).toEqual(before);
    expect((await onServer(bed.direct, 'Trash')).has(messageId)).toBe(false);
    expect((await list(app, account.id, path)).map((m) => m.uid)).toEqual([3, 2, 1]);
  });
});

describe('undo of Move', () => {
  it('moves the message back from the other folder, on the server too', async () => {
    const { path, messageId } = await folderWithFlaggedMessage();
    const elsewhere = await filledMailbox(bed.direct, 0, 'UndoTo');
    const { app, account } = await bed.app();
    await list(app, account.id, path);
    value(await app.client.invoke('folders.list', { accountId: account.id }));

    const { actionId } = value(await app.client.invoke('messages.move', { accountId: account.id, folder: path, uids: [3], to: elsewhere }));
    await until(async () => (await onServer(bed.direct, elsewhere)).has(messageId), 'the move on the server');
    value(await app.client.invoke('messages.undo', { accountId: account.id, actionId }));
    await until(async () => (await onServer(bed.direct, path)).has(messageId), 'the message back on the server');
    expect((await onServer(bed.direct, path)).get(messageId)!.flags).toEqual(['\\Flagged', '\\Seen']);
    expect((await onServer(bed.direct, elsewhere)).size).toBe(0);
  });
});

describe('what cannot be undone', () => {
  it('says so: an id it does not know (or no longer), a flag change, and a second undo of the same delete', async () => {
    const path = await filledMailbox(bed.direct, 2, 'NoUndo');
    const { app, account } = await bed.app();
    await list(app, account.id, path);
    const unknown = await app.client.invoke('messages.undo', { accountId: account.id, actionId: 999_999 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/can no longer be undone/) } });

    bed.proxy.refuse();
    bed.proxy.cutAll();
    const flags = value(await app.client.invoke('messages.setFlags', { accountId: account.id, folder: path, uids: [1], add: ['flagged'] }));
    const refused = await app.client.invoke('messages.undo', { accountId: account.id, actionId: flags.actionId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Only a delete or a move can be undone.' } });

    const deleted = value(await app.client.invoke('messages.delete', { accountId: account.id, folder: path, uids: [2] }));
    value(await app.client.invoke('messages.undo', { accountId: account.id, actionId: deleted.actionId }));
    const twice = await app.client.invoke('messages.undo', { accountId: account.id, actionId: deleted.actionId });
    expect(twice).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The input is checked like any other.
    const bad = await app.client.invoke('messages.undo', { accountId: account.id, actionId: -1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});
