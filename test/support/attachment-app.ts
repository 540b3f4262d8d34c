import type { ImapFlow } from 'imapflow';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttachmentShell } from '../../main/attachments/attachments.js';
import { createMailService } from '../../main/service.js';
import { newProfile, testbedAccount, value } from './accounts.js';
import { directConnection } from './carol-through-proxy.js';

export type AttachmentApp = Awaited<ReturnType<typeof attachmentApp>>;

/**
 * The whole service with Carol's account on the test bed, and the shell's part for
 * attachments (a stand-in, or none as in web mode); opened attachments go under `tempDir`.
 * `deliver` puts a raw message into a folder of its own on the server and opens it.
 */
export async function attachmentApp(shell?: AttachmentShell) {
  const tempDir = mkdtempSync(join(tmpdir(), 'mua-open-root-'));
  const app = createMailService({
    ...newProfile(),
    attachmentShell: shell,
    attachmentTempDir: tempDir,
    outbox: { undoDelayMs: 0 },
    sync: { prefetchDays: 0, syncAllFolders: false, idle: false },
  });
  app.start();
  const account = value(await app.client.invoke('accounts.add', testbedAccount('carol')));
  let direct: ImapFlow | undefined;
  return {
    app,
    account,
    tempDir,
    /** The raw message into a new folder of Carol's, listed and opened through the contract. */
    async deliver(raw: Buffer | string) {
      direct ??= await directConnection('carol');
      const folder = `Attach-${randomUUID().slice(0, 8)}`;
      await direct.mailboxCreate(folder);
      await direct.append(folder, raw);
      value(await app.client.invoke('messages.list', { accountId: account.id, folder }));
      const opened = value(await app.client.invoke('message.open', { accountId: account.id, folder, uid: 1 }));
      return { folder, opened, ref: { accountId: account.id, folder, uid: 1 } };
    },
    async stop() {
      await direct?.logout();
      await app.stop();
    },
  };
}
