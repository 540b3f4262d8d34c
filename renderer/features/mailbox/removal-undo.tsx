import { useCallback, useEffect, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { QueuedAction } from './bulk-actions.js';

/** How long Undo is offered after a Delete or a Move. */
export const UNDO_SECONDS = 10;

/** A Delete (to Trash) or a Move that may still be undone: what the status says, and where the messages were. */
export type Removal = { text: string; queued: QueuedAction[]; count: number; from: string };

/**
 * The Undo offered after a Delete or a Move, for UNDO_SECONDS: messages.undo for each request
 * it took (main takes a change not yet on the server out of the queue, or moves the messages
 * back). Answers, when undone, what to tell the person; a refusal goes to `onError`.
 */
export function useRemovalUndo(client: ContractClient, onError: (error: AppErrorDto) => void) {
  const [removal, setRemoval] = useState<Removal>();
  useEffect(() => {
    if (!removal) return;
    const timer = setTimeout(() => setRemoval((now) => (now === removal ? undefined : now)), UNDO_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [removal]);

  const undo = useCallback(async (): Promise<string | undefined> => {
    if (!removal) return undefined;
    setRemoval(undefined);
    for (const queued of removal.queued) {
      const reply = await client.invoke('messages.undo', queued);
      if (!reply.ok) {
        onError(reply.error);
        return undefined;
      }
    }
    return `${removal.count === 1 ? 'Message' : `${removal.count.toLocaleString()} messages`} back in ${removal.from}.`;
  }, [client, onError, removal]);

  return { removal, offer: setRemoval, undo, dismiss: useCallback(() => setRemoval(undefined), []) };
}

/** What the status line says after a Delete or a Move: "Message moved to Trash." and so on. */
export function removalText(count: number, to: string): string {
  return `${count === 1 ? 'Message' : `${count.toLocaleString()} messages`} moved to ${to}.`;
}

/** The status line while Undo is offered. */
export function RemovalStatus({ removal, onUndo }: { removal: Removal; onUndo: () => void }) {
  return (
    <div className="send-status">
      <p role="status">{removal.text}</p>
      <button type="button" onClick={onUndo}>
        Undo
      </button>
    </div>
  );
}
