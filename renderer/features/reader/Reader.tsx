import type { MessageDetail } from '../../../shared/schemas.js';
import { formatAddress } from '../../format.js';

type Props = { message: MessageDetail; onReply: () => void };

/** One message, as text. Its content is rendered as text nodes only: nothing in it can run. */
export function Reader({ message, onReply }: Props) {
  return (
    <article className="reader" aria-label="Message">
      <header>
        <h2>{message.subject || '(no subject)'}</h2>
        <dl>
          <dt>From</dt>
          <dd>{message.from ? formatAddress(message.from) : '(no sender)'}</dd>
          {message.to.length ? (
            <>
              <dt>To</dt>
              <dd>{message.to.map(formatAddress).join(', ')}</dd>
            </>
          ) : null}
          {message.cc.length ? (
            <>
              <dt>Cc</dt>
              <dd>{message.cc.map(formatAddress).join(', ')}</dd>
            </>
          ) : null}
          <dt>Date</dt>
          <dd>
            <time dateTime={message.date}>{new Date(message.date).toLocaleString()}</time>
          </dd>
        </dl>
        <div className="actions">
          <button type="button" onClick={onReply}>
            Reply
          </button>
        </div>
      </header>
      <div className="body">{message.text}</div>
    </article>
  );
}
