import type { Ref } from 'react';

type Props = {
  /** The list's name (the folder's, or "All inboxes"): a heading the focus returns to when the reader closes. */
  title: string;
  headingRef: Ref<HTMLHeadingElement>;
  /** A Refresh is under way. */
  checking: boolean;
  onCompose: () => void;
  onRefresh: () => void;
  onOutbox: () => void;
  onHelp: () => void;
};

/** The list's heading, and Compose, Refresh, Outbox and the keyboard shortcuts' help. */
export function MailboxToolbar({ title, headingRef, checking, onCompose, onRefresh, onOutbox, onHelp }: Props) {
  return (
    <div className="toolbar">
      <h2 ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <button type="button" onClick={onCompose}>
        Compose
      </button>
      <button type="button" onClick={onRefresh} disabled={checking}>
        Refresh
      </button>
      <button type="button" onClick={onOutbox}>
        Outbox
      </button>
      <button type="button" className="help-button" aria-label="Keyboard shortcuts (?)" title="Keyboard shortcuts (?)" onClick={onHelp}>
        ?
      </button>
    </div>
  );
}
