import { useEffect, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import { isPasswordMissing, isSignInRequired } from '../accounts/PasswordPrompt.js';
import type { FoldersModel } from './use-folders.js';

type Context = {
  /** Every account, for Refresh in All inboxes. */
  accountIds: readonly string[];
  accountId: string | undefined;
  folders: Pick<FoldersModel, 'folderPath' | 'allInboxes' | 'shown'>;
  /** Reads the list and the folders again from the store. */
  reload: () => Promise<unknown>;
  onError: (error: AppErrorDto) => void;
};

/**
 * How up to date the list on screen is: Refresh (folder.sync now; the list is drawn from the
 * store, which a sync keeps current), how far the sync of what is shown has got while messages
 * are still streaming in, and why a sync of it failed (with Try again; the list keeps what it has).
 */
export function useSyncStatus(client: ContractClient, { accountIds, accountId, folders, reload, onError }: Context) {
  const { folderPath, allInboxes, shown } = folders;
  const [checking, setChecking] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>();
  const [failure, setFailure] = useState<{ accountId: string; error: AppErrorDto }>();

  useEffect(() => {
    setFailure(undefined);
  }, [accountId, folderPath, allInboxes]);

  useEffect(() => {
    setProgress(undefined);
    const offProgress = client.on('sync.progressed', (p) => {
      if (!shown(p.accountId, p.folder)) return;
      setProgress(p.done < p.total ? { done: p.done, total: p.total } : undefined);
    });
    const offFailed = client.on('sync.failed', (f) => {
      if (shown(f.accountId, f.folder)) setFailure({ accountId: f.accountId, error: f.error });
    });
    return () => {
      offProgress();
      offFailed();
    };
  }, [client, shown]);

  async function checkNow() {
    if (!accountId) return;
    setChecking(true);
    // All inboxes: every account's Inbox; a failure is said for its account, the rest still come.
    const targets = allInboxes ? [...accountIds] : [accountId];
    const replies = await Promise.all(targets.map((id) => client.invoke('folder.sync', { accountId: id, folder: allInboxes ? 'INBOX' : folderPath })));
    setChecking(false);
    const failed = replies.findIndex((r) => !r.ok);
    const reply = replies[failed];
    const error = reply && !reply.ok ? reply.error : undefined;
    // An error with its own way out (trust the certificate, type the password, sign in) is shown
    // with it; any other as a failed sync, with Try again.
    if (error && (error.code === 'TLS_UNTRUSTED' || isPasswordMissing(error) || isSignInRequired(error))) return onError(error);
    setFailure(error && { accountId: targets[failed]!, error });
    await reload();
  }

  return { checking, progress, failure, checkNow };
}

export type SyncStatus = ReturnType<typeof useSyncStatus>;
