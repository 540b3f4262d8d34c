/** How far the sync of the list on screen has got while messages stream in, or that Refresh is checking `where`. */
export function SyncProgress({ progress, checking, where }: { progress: { done: number; total: number } | undefined; checking: boolean; where: string }) {
  if (progress) {
    return (
      <p role="status" className="sync-progress">
        Fetching messages: {progress.done.toLocaleString()} of {progress.total.toLocaleString()}
      </p>
    );
  }
  return checking ? (
    <p role="status" className="sync-progress">
      Checking {where} for new mail…
    </p>
  ) : null;
}
