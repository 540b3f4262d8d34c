import type { MessageSummary } from '../../../shared/schemas.js';
import { formatDate } from '../../format.js';

type Props = {
  messages: MessageSummary[];
  selectedUid: number | undefined;
  onOpen: (uid: number) => void;
};

/** The folder's messages, newest first; each row names its sender and subject. */
export function MessageList({ messages, selectedUid, onOpen }: Props) {
  if (messages.length === 0) return <p className="empty">No messages.</p>;
  return (
    <ul className="message-list" aria-label="Messages">
      {messages.map((m) => {
        const sender = m.from ? m.from.name || m.from.address : '(no sender)';
        return (
          <li key={m.uid} className={m.unread ? 'unread' : undefined}>
            <button
              type="button"
              aria-current={m.uid === selectedUid ? 'true' : undefined}
              onClick={() => onOpen(m.uid)}
            >
              <span className="sender">{sender}</span>
              <span className="subject">{m.subject || '(no subject)'}</span>
              <time dateTime={m.date}>{formatDate(m.date)}</time>
              {m.unread ? <span className="visually-hidden">, unread</span> : null}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
