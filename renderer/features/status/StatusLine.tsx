import { RemovalStatus } from '../mailbox/removal-undo.js';
import { SendStatus } from '../outbox/SendStatus.js';
import type { OutboxItem } from '../../../shared/outbox.js';
import type { StatusLineModel } from './use-status-line.js';

/** The status line: Undo after a Delete or Move, else the sending message's progress, else the last notice. */
export function StatusLine({ line, onUndoSend }: { line: StatusLineModel; onUndoSend: (item: OutboxItem) => void }) {
  const { removal, sending } = line;
  return (
    <div className="status">
      {removal ? (
        <RemovalStatus removal={removal} onUndo={line.undoRemoval} />
      ) : sending ? (
        <SendStatus
          item={sending}
          onUndo={() => onUndoSend(sending)}
          onRetry={() => void line.retry(sending)}
          onTrustCertificate={(certificate) => line.trustAndRetry(sending, certificate)}
        />
      ) : (
        <p role="status">{line.notice}</p>
      )}
    </div>
  );
}
