import { useEffect, useId, useRef, type KeyboardEvent } from 'react';

/**
 * Delete inside Trash (or in an account without one) deletes for good, which no Undo can bring
 * back: it asks first, in a modal alert dialog. Focus starts on "Cancel", the safe choice;
 * Escape cancels; Tab stays between the two buttons; focus goes back where it was on close.
 */
export function ConfirmDeleteForGood({ count, onConfirm, onCancel }: { count: number; onConfirm: () => void; onCancel: () => void }) {
  const titleId = useId();
  const textId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    return () => before?.focus?.();
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    } else if (event.key === 'Tab') {
      event.preventDefault();
      (document.activeElement === cancel.current ? confirm : cancel).current?.focus();
    }
    // Keys typed here are the dialog's own, never the mailbox's shortcuts.
    event.stopPropagation();
  }

  const what = count === 1 ? 'This message' : `These ${count.toLocaleString()} messages`;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={textId} onKeyDown={onKeyDown}>
        <h2 id={titleId}>Delete for good?</h2>
        <p id={textId}>{what} will be deleted for good, here and on the server. This cannot be undone.</p>
        <div className="actions">
          <button type="button" ref={confirm} onClick={onConfirm}>
            Delete for good
          </button>
          <button type="button" ref={cancel} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
