import type { AppErrorDto } from '../../../shared/errors.js';

/**
 * Why the list on screen may be out of date: the folder (and account) whose sync failed, the
 * reason in the error's own words (they say what to do), that the list still shows what was
 * fetched before, and "Try again" (Refresh).
 */
export function SyncFailedAlert({ where, error, onRetry }: { where: string; error: AppErrorDto; onRetry: () => void }) {
  return (
    <div role="alert" className="error-alert sync-failed">
      <p>
        {where} could not be brought up to date: {error.message}
      </p>
      {error.serverReply ? <p className="server-reply">Server said: {error.serverReply}</p> : null}
      <p>The list shows what was fetched before.</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
