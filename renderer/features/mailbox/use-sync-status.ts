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
  // Kept per folder and picked for what is on screen, rather than reset when the screen changes:
  // an event that came while the screen was being drawn (before its listener was renewed) was
  // lost, and a folder chosen again mid-sync showed no progress until the next batch.
  const [progressOf, setProgressOf] = useState<ReadonlyMap<string, FolderProgress>>(new Map());
  const [failures, setFailures] = useState<ReadonlyMap<string, FolderFailure>>(new Map());

  // Failures go when another folder is put on screen (coming back, the list says what it has).
  // Done while drawing it, not in an effect after: that could wipe a failure that came meanwhile.
  const view = `${accountId}\n${folderPath}\n${allInboxes}`;
  const [failureView, setFailureView] = useState(view);
  if (failureView !== view) {
    setFailureView(view);
    setFailures(new Map());
  }

  useEffect(() => {
    const offProgress = client.on('sync.progressed', (p) =>
      setProgressOf((now) => {
        const next = new Map(now);
        if (p.done < p.total) next.set(keyOf(p.accountId, p.folder), p);
        else next.delete(keyOf(p.accountId, p.folder));
        return next;
      }),
    );
    const offFailed = client.on('sync.failed', (f) => setFailures((now) => new Map(now).set(keyOf(f.accountId, f.folder), f)));
    return () => {
      offProgress();
      offFailed();
    };
  }, [client]);

  const progress = [...progressOf.values()].find((p) => shown(p.accountId, p.folder));
  const failure = [...failures.values()].find((f) => shown(f.accountId, f.folder));

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
    const folder = allInboxes ? 'INBOX' : folderPath;
    setFailures((now) => {
      const next = new Map(now);
      targets.forEach((id) => next.delete(keyOf(id, folder)));
      return error ? next.set(keyOf(targets[failed]!, folder), { accountId: targets[failed]!, folder, error }) : next;
    });
    await reload();
  }

  return { checking, progress: progress && { done: progress.done, total: progress.total }, failure: failure && { accountId: failure.accountId, error: failure.error }, checkNow };
}

type FolderProgress = { accountId: string; folder: string; done: number; total: number };
type FolderFailure = { accountId: string; folder: string; error: AppErrorDto };
const keyOf = (accountId: string, folder: string) => `${accountId}\n${folder}`;

export type SyncStatus = ReturnType<typeof useSyncStatus>;
