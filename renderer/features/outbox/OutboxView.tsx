import { useCallback, useEffect, useId, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { OutboxItem } from '../../../shared/outbox.js';
import type { OutgoingMessage } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';

type Props = {
  client: ContractClient;
  /** Cancel took a message back: the composer opens with it. */
  onEdit: (draft: OutgoingMessage, item: OutboxItem) => void;
  onClose: () => void;
};

/** States whose message has not gone yet and can be taken back (outbox.cancel). */
const CANCELLABLE: ReadonlySet<OutboxItem['state']> = new Set(['scheduled', 'queued', 'retrying', 'failed']);
/** States a person may ask to try again now (outbox.retry). */
const RETRYABLE: ReadonlySet<OutboxItem['state']> = new Set(['retrying', 'failed']);

const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');

/** What an item's state means, in words, with the server's own where it gave any. */
export function describeItem(item: OutboxItem, now = Date.now()): { label: string; detail?: string } {
  const why = item.error ? [item.error.message, item.error.serverReply ? `Server said: ${item.error.serverReply}` : ''].filter(Boolean).join(' ') : undefined;
  switch (item.state) {
    case 'scheduled':
      return Date.parse(item.sendAt) - now > 60_000
        ? { label: `Scheduled to send at ${when(item.sendAt)}` }
        : { label: 'Waiting to send (undo window)' };
    case 'queued':
      return { label: 'Queued' };
    case 'sending':
      return { label: 'Sending…' };
    case 'retrying':
      return { label: `Waiting to retry${item.retryAt ? ` at ${when(item.retryAt)}` : ''} (attempt ${item.attempts})`, detail: why };
    case 'failed':
      return { label: 'Failed', detail: why };
    case 'sent':
      return {
        label: `Sent${item.sentAt ? ` at ${when(item.sentAt)}` : ''}`,
        detail: item.rejected?.length ? `Refused: ${item.rejected.map((r) => `${r.address} (${r.reply})`).join('; ')}` : undefined,
      };
  }
}

/**
 * The outbox: every message between Send and the server's answer, and those sent lately. Queued
 * and scheduled (send later), waiting to retry and why, failed and why (the server's words), sent;
 * Retry and Cancel where the state allows. Kept current by outbox.changed.
 */
export function OutboxView({ client, onEdit, onClose }: Props) {
  const [items, setItems] = useState<OutboxItem[]>();
  const [error, setError] = useState<AppErrorDto>();
  const headingId = useId();

  const load = useCallback(async () => {
    const reply = await client.invoke('outbox.list', {});
    if (reply.ok) setItems(reply.value);
    else setError(reply.error);
  }, [client]);

  useEffect(() => {
    void load();
    return client.on('outbox.changed', ({ items: changed, removed }) =>
      setItems((list) => {
        const gone = new Set(removed);
        const next = (list ?? []).filter((i) => !gone.has(i.id)).map((i) => changed.find((c) => c.id === i.id) ?? i);
        for (const c of changed) if (!next.some((i) => i.id === c.id) && !gone.has(c.id)) next.push(c);
        return next;
      }),
    );
  }, [client, load]);

  async function retry(item: OutboxItem) {
    setError(undefined);
    const reply = await client.invoke('outbox.retry', { id: item.id });
    if (!reply.ok) return setError(reply.error);
    setItems((list) => list?.map((i) => (i.id === item.id ? reply.value : i)));
  }

  async function cancel(item: OutboxItem) {
    setError(undefined);
    const reply = await client.invoke('outbox.cancel', { id: item.id });
    if (!reply.ok) return setError(reply.error);
    setItems((list) => list?.filter((i) => i.id !== item.id));
    onEdit(reply.value.draft, item);
  }

  // Newest first: what is sending or due first, then by when it goes.
  const sorted = [...(items ?? [])].sort((a, b) => Date.parse(b.sendAt) - Date.parse(a.sendAt));
  return (
    <section className="outbox-view" aria-labelledby={headingId}>
      <div className="toolbar">
        <h2 id={headingId}>Outbox</h2>
        <button type="button" onClick={onClose}>
          Close outbox
        </button>
      </div>
      <ErrorAlert error={error} />
      {items === undefined ? <p>Loading…</p> : null}
      {items !== undefined && items.length === 0 ? <p className="empty">The outbox is empty: nothing is waiting to be sent.</p> : null}
      {sorted.length ? (
        <ul aria-label="Outbox messages" className="outbox-items">
          {sorted.map((item) => {
            const { label, detail } = describeItem(item);
            const subjectId = `${headingId}-${item.id}`;
            return (
              <li key={item.id} className={`outbox-item state-${item.state}`}>
                <p className="outbox-subject" id={subjectId}>
                  <strong>{item.subject || '(no subject)'}</strong> to {item.recipients.join(', ')}
                </p>
                <p className="outbox-state">{label}</p>
                {detail ? <p className="outbox-why">{detail}</p> : null}
                <div className="actions">
                  {RETRYABLE.has(item.state) ? (
                    <button type="button" aria-describedby={subjectId} onClick={() => void retry(item)}>
                      Retry
                    </button>
                  ) : null}
                  {CANCELLABLE.has(item.state) ? (
                    <button type="button" aria-describedby={subjectId} onClick={() => void cancel(item)}>
                      Cancel
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
