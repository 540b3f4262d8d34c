import { join } from 'node:path';
import { parseMessageFile, snippetOf } from '../mime/parse-message-file.js';
import type { MessageStore } from '../store/message-store.js';

/**
 * Reads the text of messages whose source is kept but not yet read (a POP3 check stores rows
 * from the header alone, so that its download is bound by the network, not by MIME parsing):
 * their text goes into the search index, their snippet into the list, and whether they carry
 * attachments replaces the header's guess. In transactions of `chunk`, yielding between them.
 * Returns how many were read.
 */
export async function readDownloadedBodies(store: MessageStore, bodiesDir: string, folderId: number, { chunk = 100 } = {}): Promise<number> {
  let read = 0;
  for (;;) {
    const pending = store.unreadBodies(folderId, chunk);
    if (pending.length === 0) return read;
    const bodies = [];
    for (const { uid, bodyFile, source } of pending) {
      // An unreadable source still counts as read (with no text): it is not tried for ever.
      const parts = await parseMessageFile(source ?? join(bodiesDir, bodyFile!));
      bodies.push({ uid, bodyText: parts.text, snippet: snippetOf(parts.text), hasAttachments: parts.attachments.length > 0 });
    }
    store.setReadBodies(folderId, bodies);
    read += bodies.length;
  }
}
