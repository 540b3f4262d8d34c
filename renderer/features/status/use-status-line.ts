import { useEffect, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { OutboxItem } from '../../../shared/outbox.js';
import type { OutgoingMessage } from '../../../shared/schemas.js';
import type { TrustableCertificate } from '../../components/ErrorAlert.js';
import { trustCertificate } from '../accounts/trust-certificate.js';
import { useRemovalUndo, type Removal } from '../mailbox/removal-undo.js';

/**
 * The status line under the toolbar says one thing at a time: the Undo of a Delete or Move, or
 * the progress of the message last handed to the outbox, or else the last notice.
 */
export function useStatusLine(client: ContractClient, onError: (error: AppErrorDto | undefined) => void) {
  const [notice, setNotice] = useState('');
  // The message last handed to the outbox; its progress replaces the notice until the next one.
  const [sending, setSending] = useState<OutboxItem>();
  const removals = useRemovalUndo(client, onError);

  useEffect(
    () => client.on('outbox.changed', ({ items }) => setSending((current) => (current ? (items.find((i) => i.id === current.id) ?? current) : current))),
    [client],
  );

  function notify(text: string) {
    setSending(undefined);
    removals.dismiss();
    setNotice(text);
  }

  async function retry(item: OutboxItem) {
    const reply = await client.invoke('outbox.retry', { id: item.id });
    if (reply.ok) setSending(reply.value);
    else onError(reply.error);
  }

  return {
    notice,
    sending,
    removal: removals.removal,
    notify,
    /** Handed to the outbox: its progress is shown from now on. */
    queued(item: OutboxItem) {
      removals.dismiss();
      setSending(item);
    },
    /** A Delete or Move done: Undo is offered for a while. */
    offerUndo(removal: Removal) {
      setSending(undefined);
      setNotice('');
      removals.offer(removal);
    },
    undoRemoval() {
      void removals.undo().then((text) => {
        if (text) notify(text);
      });
    },
    retry,
    trustAndRetry(item: OutboxItem, certificate: TrustableCertificate) {
      void trustCertificate(client, item.accountId, certificate, onError).then(async (trusted) => {
        if (trusted) await retry(item);
      });
    },
    /** Undo of a send (outbox.cancel): answers the message taken back, to edit, or nothing when refused. */
    async takeBack(item: OutboxItem): Promise<OutgoingMessage | undefined> {
      const reply = await client.invoke('outbox.cancel', { id: item.id });
      if (!reply.ok) {
        onError(reply.error);
        return undefined;
      }
      return reply.value.draft;
    },
  };
}

export type StatusLineModel = ReturnType<typeof useStatusLine>;
