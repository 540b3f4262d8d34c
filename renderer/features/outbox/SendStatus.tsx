import { useEffect, useState } from 'react';
import type { OutboxItem } from '../../../shared/outbox.js';
import { ErrorAlert, type TrustableCertificate } from '../../components/ErrorAlert.js';

type Props = {
  item: OutboxItem;
  onUndo: () => void;
  onRetry: () => void;
  onTrustCertificate?: (certificate: TrustableCertificate) => void;
};

/** Where the last message stands: waiting out the undo window, sending, retrying, sent, failed. */
export function SendStatus({ item, onUndo, onRetry, onTrustCertificate }: Props) {
  const secondsLeft = useSecondsUntil(item.state === 'scheduled' ? item.sendAt : undefined);
  switch (item.state) {
    case 'scheduled':
      return (
        <div className="send-status">
          <p role="status">
            {secondsLeft > 60
              ? `Scheduled to send at ${new Date(item.sendAt).toLocaleString()}.`
              : `Sending in ${secondsLeft} s.`}
          </p>
          <button type="button" onClick={onUndo}>
            Undo
          </button>
        </div>
      );
    case 'queued':
    case 'sending':
      return <p role="status">Sending…</p>;
    case 'retrying':
      return (
        <div className="send-status">
          <p role="status">
            Not sent yet: {item.error?.message} Trying again at{' '}
            {item.retryAt ? new Date(item.retryAt).toLocaleTimeString() : 'soon'}.
          </p>
          <button type="button" onClick={onUndo}>
            Undo
          </button>
        </div>
      );
    case 'sent':
      return (
        <div className="send-status">
          <p role="status">Message sent to {(item.accepted ?? item.recipients).join(', ')}.</p>
          {item.rejected?.length ? (
            <div role="alert" className="error-alert">
              <p>The server refused:</p>
              <ul>
                {item.rejected.map((r) => (
                  <li key={r.address}>
                    {r.address}: {r.reply}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      );
    case 'failed':
      return (
        <div className="send-status">
          <p role="status">Message not sent.</p>
          <ErrorAlert error={item.error} onTrustCertificate={onTrustCertificate} />
          <button type="button" onClick={onRetry}>
            Retry
          </button>
          <button type="button" onClick={onUndo}>
            Edit
          </button>
        </div>
      );
  }
}

function useSecondsUntil(iso: string | undefined): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000)) : 0;
}
