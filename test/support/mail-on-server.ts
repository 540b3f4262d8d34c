import type { ImapFlow } from 'imapflow';

/**
 * The messages in a folder on the server whose subject is exactly `subject`, source and flags, as
 * a test bed user's own connection sees them now (a NOOP first, so the session has caught up).
 */
export async function onServer(client: ImapFlow, folder: string, subject: string): Promise<{ uid: number; source: Buffer; flags: string[] }[]> {
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  try {
    await client.noop();
    // SEARCH SUBJECT matches a substring ("Re: x" has "x"): the envelope says which is the one.
    const uids = await client.search({ subject }, { uid: true });
    if (!uids || uids.length === 0) return [];
    const found = await client.fetchAll(uids, { envelope: true, source: true, flags: true }, { uid: true });
    return found
      .filter((m) => m.envelope?.subject === subject && m.source)
      .map((m) => ({ uid: m.uid, source: m.source!, flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort() }));
  } finally {
    lock.release();
  }
}
