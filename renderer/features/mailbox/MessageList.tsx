import type { MessageSummary } from '../../../shared/schemas.js';
import { formatDate } from '../../format.js';

/** A row of the list: a folder's message, or a search result, which says which folder it is in. */
export type ListedMessage = MessageSummary & { folder?: string };

type Props = {
  messages: ListedMessage[];
  /** The message open in the reader (its folder and uid), if any. */
  selected: { folder: string; uid: number } | undefined;
  /** The folder the rows without a folder of their own are in (the folder being listed). */
  folder: string;
  onOpen: (message: ListedMessage) => void;
  /** Shown when there are no rows (null: nothing, the caller says so itself). */
  emptyText?: string | null;
  /** For search results: the name a folder path is shown by. */
  folderName?: (path: string) => string;
};

/**
 * The folder's messages (or a search's results), newest first; each row names its sender and
 * subject, then in words what the marks beside it show: ", unread", ", flagged",
 * ", has attachment" and, for a search result, ", in Sent".
 */
export function MessageList({ messages, selected, folder, onOpen, emptyText = 'No messages.', folderName }: Props) {
  if (messages.length === 0) return emptyText === null ? null : <p className="empty">{emptyText}</p>;
  return (
    <ul className="message-list" aria-label="Messages">
      {messages.map((m) => {
        const sender = m.from ? m.from.name || m.from.address : '(no sender)';
        const path = m.folder ?? folder;
        const current = selected !== undefined && selected.uid === m.uid && selected.folder === path;
        const shownFolder = m.folder === undefined ? undefined : folderName ? folderName(m.folder) : m.folder;
        const states = [
          m.unread && 'unread',
          m.flagged && 'flagged',
          m.hasAttachments && 'has attachment',
          shownFolder !== undefined && `in ${shownFolder}`,
        ].filter((s): s is string => typeof s === 'string');
        return (
          <li key={`${path}\u0000${m.uid}`} className={m.unread ? 'unread' : undefined}>
            <button type="button" aria-current={current ? 'true' : undefined} onClick={() => onOpen(m)}>
              <span className="sender">{sender}</span>
              <span className="subject">{m.subject || '(no subject)'}</span>
              {m.flagged || m.hasAttachments ? (
                <span className="marks">
                  {m.flagged ? <FlagIcon /> : null}
                  {m.hasAttachments ? <PaperclipIcon /> : null}
                </span>
              ) : null}
              <time dateTime={m.date}>{formatDate(m.date)}</time>
              {/* What the marks show, in words, in one piece (a screen reader reads it as one phrase). */}
              {states.length ? <span className="visually-hidden">{states.map((s) => `, ${s}`).join('')}</span> : null}
              {shownFolder !== undefined ? (
                <span className="folder-tag" aria-hidden="true">
                  {shownFolder}
                </span>
              ) : null}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** Drawn, not a glyph: every system has it. Its meaning is in the row's words. */
function FlagIcon() {
  return (
    <svg className="mark flag-mark" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14">
      <path d="M3 1.5v13" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinecap="round" />
      <path d="M3.8 2h9l-2.2 3.5 2.2 3.5h-9z" fill="currentColor" />
    </svg>
  );
}

function PaperclipIcon() {
  return (
    <svg className="mark attachment-mark" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14">
      <path
        d="M10.5 4.5 5.4 9.6a1.4 1.4 0 0 0 2 2l5.3-5.3a2.8 2.8 0 0 0-4-4L3.3 7.7a4.2 4.2 0 0 0 6 6l4.2-4.2"
        stroke="currentColor"
        strokeWidth="1.4"
        fill="none"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
