import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { Folder, MessageDetail } from '../../../shared/schemas.js';
import { formatAddress } from '../../format.js';
import { MessageContent } from './MessageContent.js';

/** What can be done to the open message; each is a contract request the app makes. */
export type ReaderActions = {
  /** The folder the message is in, and the account's folders (the move control offers the others). */
  folder: string;
  folders: Folder[];
  onDelete: () => void;
  /** Marks it read when it is unread, unread when it is read. */
  onToggleRead: () => void;
  onToggleFlag: () => void;
  onMove: (to: string) => void;
};

type Props = {
  message: MessageDetail;
  onReply: () => void;
  /** Reply all and Forward, offered where given. */
  onReplyAll?: () => void;
  onForward?: () => void;
  actions?: ReaderActions;
  /**
   * Where the message came from, for what the reader asks main itself: its source (View source),
   * opening a link, remembering a sender whose remote content may load. Without them the
   * reader shows the message but offers none of those.
   */
  client?: ContractClient;
  accountId?: string;
};

/**
 * One message: its header, its actions, and its content (MessageContent: the HTML sanitized in
 * a sandboxed frame, or the text as text nodes, or the raw source).
 */
export function Reader({ message, onReply, onReplyAll, onForward, actions, client, accountId }: Props) {
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
        {actions ? (
          <MessageToolbar message={message} onReply={onReply} onReplyAll={onReplyAll} onForward={onForward} actions={actions} />
        ) : (
          <div className="actions">
            <button type="button" onClick={onReply}>
              Reply
            </button>
          </div>
        )}
      </header>
      <MessageContent
        key={`${accountId ?? ''}\u0000${actions?.folder ?? ''}\u0000${message.uid}`}
        message={message}
        client={client}
        source={client && accountId && actions ? { accountId, folder: actions.folder } : undefined}
      />
    </article>
  );
}

/**
 * Reply, Delete, read/unread, flag and Move, as an ARIA toolbar: Tab enters and leaves it at
 * one stop, Left/Right (and Home/End) move between its controls. Every control is a native
 * <button> or <select>, so Enter and Space work as everywhere else.
 */
function MessageToolbar({
  message,
  onReply,
  onReplyAll,
  onForward,
  actions,
}: {
  message: MessageDetail;
  onReply: () => void;
  onReplyAll?: () => void;
  onForward?: () => void;
  actions: ReaderActions;
}) {
  const moveId = useId();
  const targets = actions.folders.filter((f) => f.selectable && f.path !== actions.folder);
  const [chosen, setChosen] = useState<string>();
  // The choice holds while it is still offered (the folder list may change under it).
  const to = targets.some((f) => f.path === chosen) ? chosen! : targets[0]?.path;

  const toolbar = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const items = () => [...(toolbar.current?.querySelectorAll<HTMLElement>('button, select') ?? [])].filter((el) => !(el as HTMLButtonElement).disabled);
  // One tab stop: the control last used (the first one to begin with).
  useLayoutEffect(() => {
    const all = items();
    const current = Math.min(active, all.length - 1);
    all.forEach((el, i) => (el.tabIndex = i === current ? 0 : -1));
  });

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const all = items();
    const at = all.indexOf(event.target as HTMLElement);
    if (at < 0) return;
    const inSelect = (event.target as HTMLElement).tagName === 'SELECT';
    let next: number;
    if (event.key === 'ArrowRight') next = (at + 1) % all.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + all.length) % all.length;
    else if (event.key === 'Home' && !inSelect) next = 0;
    else if (event.key === 'End' && !inSelect) next = all.length - 1;
    else return;
    event.preventDefault();
    setActive(next);
    all[next]!.focus();
  }

  const label = (f: Folder) => (targets.filter((t) => t.name === f.name).length > 1 ? f.path : f.name);

  return (
    <div
      ref={toolbar}
      className="actions message-actions"
      role="toolbar"
      aria-label="Message actions"
      onKeyDown={onKeyDown}
      onFocus={(event) => {
        const at = items().indexOf(event.target as HTMLElement);
        if (at >= 0 && at !== active) setActive(at);
      }}
    >
      <button type="button" onClick={onReply}>
        Reply
      </button>
      {onReplyAll ? (
        <button type="button" onClick={onReplyAll}>
          Reply all
        </button>
      ) : null}
      {onForward ? (
        <button type="button" onClick={onForward}>
          Forward
        </button>
      ) : null}
      <button type="button" onClick={actions.onDelete}>
        Delete
      </button>
      <button type="button" onClick={actions.onToggleRead}>
        {message.unread ? 'Mark as read' : 'Mark as unread'}
      </button>
      <button type="button" onClick={actions.onToggleFlag}>
        {message.flagged ? 'Unflag' : 'Flag'}
      </button>
      {targets.length > 0 && to ? (
        <span className="move-to">
          <label htmlFor={moveId}>Move to</label>
          <select id={moveId} value={to} onChange={(e) => setChosen(e.target.value)}>
            {targets.map((f) => (
              <option key={f.path} value={f.path}>
                {label(f)}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => actions.onMove(to)}>
            Move
          </button>
        </span>
      ) : null}
    </div>
  );
}
