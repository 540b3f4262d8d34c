import { useEffect, useId, useRef, type KeyboardEvent } from 'react';

type Props = {
  onSendAnyway: () => void;
  onAttach: () => void;
  /** Escape: back to the message, nothing sent. */
  onClose: () => void;
};

/**
 * Asked before sending when the text speaks of an attachment and none is attached: a modal
 * dialog whose first focus is the safer choice, Attach a file.
 */
export function AttachmentReminder({ onSendAnyway, onAttach, onClose }: Props) {
  const titleId = useId();
  const textId = useId();
  const attachButton = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    attachButton.current?.focus();
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab') return;
    // Focus stays inside the dialog.
    const buttons = Array.from(dialog.current?.querySelectorAll('button') ?? []);
    const first = buttons[0];
    const last = buttons[buttons.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  }

  return (
    <div className="dialog-backdrop">
      <div ref={dialog} className="dialog attachment-reminder" role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={textId} onKeyDown={onKeyDown}>
        <h2 id={titleId}>Forgot the attachment?</h2>
        <p id={textId}>Your message mentions an attachment, but no file is attached.</p>
        <div className="actions">
          <button ref={attachButton} type="button" onClick={onAttach}>
            Attach a file
          </button>
          <button type="button" onClick={onSendAnyway}>
            Send anyway
          </button>
        </div>
      </div>
    </div>
  );
}
