import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type Ref } from 'react';
import type { MessageSummary } from '../../../shared/schemas.js';
import { formatDate } from '../../format.js';
import { SelectionBar, type SelectionAction } from './SelectionBar.js';

/**
 * A row of the list: a folder's message, or a search result, which says which folder it is in,
 * or a row of All inboxes, which says which account too.
 */
export type ListedMessage = MessageSummary & { folder?: string; accountId?: string };

/** What the app asks of the list from outside it (the keyboard shortcuts). */
export type MessageListHandle = {
  /** Opens the next (1) or previous (-1) row after the open one (or the first), scrolling it into view. */
  move(delta: 1 | -1): void;
  /** Forgets the selection; false when there was none to forget. */
  clearSelection(): boolean;
};

type Props = {
  messages: ListedMessage[];
  /** The message open in the reader (its folder and uid; in All inboxes its account too), if any. */
  selected: { folder: string; uid: number; accountId?: string } | undefined;
  /** The folder the rows without a folder of their own are in (the folder being listed). */
  folder: string;
  onOpen: (message: ListedMessage) => void;
  /** Shown when there are no rows (null: nothing, the caller says so itself). */
  emptyText?: string | null;
  /** For search results: the name a folder path (of the row's account, where it says one) is shown by. */
  folderName?: (path: string, accountId?: string) => string;
  /**
   * For All inboxes: the name a row's account is shown by. Its folder, always the Inbox, is then
   * not shown, unless folderName is given too (the results of searching every account).
   */
  accountName?: (accountId: string) => string;
  /** Asked when the rows drawn come near the end of those loaded: the next page of history. */
  onEndReached?: () => void;
  /** Every row there is has been loaded (the list's size is known). */
  complete?: boolean;
  /** A conversation's messages (thread.open), for a thread row to unfold. */
  loadThread?: (threadId: number) => Promise<ListedMessage[] | undefined>;
  /** The rows chosen with Ctrl/Shift click (or Shift+arrows), in list order. */
  onSelectionChange?: (selected: ListedMessage[]) => void;
  /** An action on the chosen rows (offered once two or more are chosen). */
  onSelectionAction?: (action: SelectionAction, messages: ListedMessage[]) => void;
  handle?: Ref<MessageListHandle>;
};

type Row = { message: ListedMessage; path: string; key: string; child: boolean };

/** A folder shown by its path where no name is given (a conversation's rows), the Inbox by its name, not "INBOX". */
const inboxByName = (path: string) => (path === 'INBOX' ? 'Inbox' : path);

/**
 * How many messages a conversation has in every folder (a reply in the Inbox to one's own message
 * in Sent is a conversation of two): what unfolding it shows, since thread.open lists them all.
 */
const conversationSize = (m: ListedMessage) => (m.thread ? Math.max(m.thread.count, m.thread.countAll) : 0);

/** Rows stand this many root font sizes tall: fixed, so the list never measures a row. */
const ROW_EMS = 4;
/** Rows drawn beyond the visible ones, each side. */
const OVERSCAN = 8;
/** How close to the last loaded row the next page is asked for. */
const LOAD_AHEAD = 150;

/** A row's identity: its folder and uid, and its account in All inboxes (two accounts' Inboxes share uids). */
const keyOf = (path: string, uid: number, accountId = '') => `${accountId}\u0000${path}\u0000${uid}`;
const rowKey = (r: Row) => keyOf(r.path, r.message.uid, r.message.accountId);
const isSelected = (r: Row, s: { folder: string; uid: number; accountId?: string }) =>
  r.path === s.folder && r.message.uid === s.uid && (s.accountId === undefined || r.message.accountId === s.accountId);

function rootFontSize(): number {
  const size = typeof window === 'undefined' ? 0 : parseFloat(window.getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(size) && size > 0 ? size : 16;
}

/**
 * The folder's messages (or a search's results), virtualized: however many rows there are, only
 * those in view (and a few beyond) are in the page. Each row names its sender and subject, then in
 * words what the marks beside it show: ", unread", ", flagged", ", has attachment" and, for a
 * search result, ", in Sent". Items carry aria-setsize/aria-posinset, so a screen reader says
 * "3 of 100,000" although only a handful exist.
 *
 * Keyboard: one tab stop; Up/Down (Home/End, PageUp/PageDown) move between rows, Shift with them
 * extends the selection, Right/Left unfold and fold a conversation. Mouse: a click opens,
 * Ctrl/Cmd-click adds or removes a row from the selection, Shift-click selects a range.
 */
export function MessageList({
  messages,
  selected,
  folder,
  onOpen,
  emptyText = 'No messages.',
  folderName,
  accountName,
  onEndReached,
  complete = true,
  loadThread,
  onSelectionChange,
  onSelectionAction,
  handle,
}: Props) {
  const [unfolded, setUnfolded] = useState<Record<number, ListedMessage[]>>({});
  const rows = useMemo(() => {
    const out: Row[] = [];
    for (const m of messages) {
      const path = m.folder ?? folder;
      out.push({ message: m, path, key: keyOf(path, m.uid, m.accountId), child: false });
      const children = m.thread ? unfolded[m.thread.id] : undefined;
      for (const c of children ?? []) {
        const childPath = c.folder ?? folder;
        if (childPath === path && c.uid === m.uid) continue;
        out.push({ message: c, path: childPath, key: `${m.thread!.id}\u0000${keyOf(childPath, c.uid)}`, child: true });
      }
    }
    return out;
  }, [messages, unfolded, folder]);

  // The selection, by folder and uid; the anchor is where a Shift-click range starts.
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string>(undefined);
  const chosenRows = useMemo(() => rows.filter((r) => chosen.has(rowKey(r))), [rows, chosen]);
  // Told only when the chosen rows change (not on every redraw of the same ones).
  const told = useRef('');
  useEffect(() => {
    const now = chosenRows.map((r) => r.key).join('\u0001');
    if (now === told.current) return;
    told.current = now;
    onSelectionChange?.(chosenRows.map((r) => r.message));
  }, [chosenRows, onSelectionChange]);

  const openIndex = selected ? rows.findIndex((r) => !r.child && isSelected(r, selected)) : -1;
  const openAt = openIndex >= 0 ? openIndex : selected ? rows.findIndex((r) => isSelected(r, selected)) : -1;
  // The row that holds the list's one tab stop: the last one moved to, else the open one, else the first.
  const [active, setActive] = useState(-1);
  const activeIndex = Math.min(active >= 0 ? active : Math.max(openAt, 0), Math.max(rows.length - 1, 0));

  const scroller = useRef<HTMLDivElement>(null);
  const [rowHeight] = useState(() => Math.round(ROW_EMS * rootFontSize()));
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: OVERSCAN,
    getItemKey: (i) => rows[i]?.key ?? i,
    // Where the scroller has no size yet (not laid out; jsdom), draw a window's worth of rows.
    initialRect: { width: 0, height: typeof window === 'undefined' ? 800 : window.innerHeight },
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width, height: window.innerHeight })),
  });
  const items = virtualizer.getVirtualItems();
  const lastDrawn = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (!complete && onEndReached && rows.length > 0 && lastDrawn >= rows.length - LOAD_AHEAD) onEndReached();
  }, [complete, onEndReached, lastDrawn, rows.length]);

  // Focus follows the keyboard to a row that may not be drawn yet: scroll there, focus once drawn.
  const focusNext = useRef<number | undefined>(undefined);
  useEffect(() => {
    const index = focusNext.current;
    if (index === undefined) return;
    const button = scroller.current?.querySelector<HTMLButtonElement>(`li[data-index="${index}"] button.row`);
    if (button) {
      focusNext.current = undefined;
      button.focus();
    }
  });
  const goTo = useCallback(
    (index: number, focus: boolean) => {
      setActive(index);
      virtualizer.scrollToIndex(index, { align: 'auto' });
      if (focus) focusNext.current = index;
    },
    [virtualizer],
  );

  const toggleThread = useCallback(
    async (m: ListedMessage, open: boolean) => {
      const id = m.thread?.id;
      if (id === undefined || !loadThread) return;
      if (!open) return setUnfolded(({ [id]: _gone, ...rest }) => rest);
      const children = await loadThread(id);
      if (children) setUnfolded((all) => ({ ...all, [id]: children }));
    },
    [loadThread],
  );

  const choose = (index: number, how: 'only' | 'toggle' | 'range') => {
    const row = rows[index];
    if (!row) return;
    const key = rowKey(row);
    if (how === 'only') {
      anchor.current = key;
      return setChosen(new Set([key]));
    }
    if (how === 'toggle') {
      anchor.current = key;
      return setChosen((now) => {
        const next = new Set(now);
        if (!next.delete(key)) next.add(key);
        return next;
      });
    }
    const from = rows.findIndex((r) => rowKey(r) === anchor.current);
    const start = from < 0 ? index : from;
    const [lo, hi] = start < index ? [start, index] : [index, start];
    setChosen(new Set(rows.slice(lo, hi + 1).map(rowKey)));
  };

  useImperativeHandle(
    handle,
    () => ({
      move(delta) {
        if (rows.length === 0) return;
        const from = openAt >= 0 ? openAt : delta === 1 ? -1 : rows.length;
        const to = Math.min(Math.max(from + delta, 0), rows.length - 1);
        if (to === openAt) return;
        const inList = scroller.current?.contains(document.activeElement) ?? false;
        goTo(to, inList);
        setChosen(new Set());
        onOpen(rows[to]!.message);
      },
      clearSelection() {
        if (chosen.size === 0) return false;
        setChosen(new Set());
        return true;
      },
    }),
    [rows, openAt, goTo, onOpen, chosen],
  );

  function onClick(event: MouseEvent, index: number) {
    if (event.shiftKey) return choose(index, 'range');
    if (event.ctrlKey || event.metaKey) return choose(index, 'toggle');
    choose(index, 'only');
    setActive(index);
    onOpen(rows[index]!.message);
  }

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const li = (event.target as HTMLElement).closest('li');
    const at = li ? Number(li.dataset.index) : activeIndex;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
    const targets: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: at + page,
      PageUp: at - page,
    };
    const row = rows[at];
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && row && !row.child && conversationSize(row.message) > 1) {
      event.preventDefault();
      void toggleThread(row.message, event.key === 'ArrowRight');
      return;
    }
    if (!(event.key in targets) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const to = Math.min(Math.max(targets[event.key]!, 0), rows.length - 1);
    if (event.shiftKey) {
      if (anchor.current === undefined && row) anchor.current = rowKey(row);
      choose(to, 'range');
    }
    goTo(to, true);
  }

  if (messages.length === 0) return emptyText === null ? null : <p className="empty">{emptyText}</p>;
  const setSize = complete ? rows.length : -1;
  return (
    <>
      {chosenRows.length > 1 && onSelectionAction ? (
        <SelectionBar
          count={chosenRows.length}
          onAction={(action) => onSelectionAction(action, chosenRows.map((r) => r.message))}
          onClear={() => setChosen(new Set())}
        />
      ) : null}
      <div className="message-scroller" ref={scroller}>
        <ul className="message-list" aria-label="Messages" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
          {items.map((item) => {
            const row = rows[item.index]!;
            const isOpen = item.index === openAt;
            const isChosen = chosenRows.length > 1 && chosen.has(rowKey(row));
            return (
              <MessageRow
                key={item.key}
                row={row}
                index={item.index}
                setSize={setSize}
                top={item.start}
                height={rowHeight}
                current={isOpen}
                chosen={isChosen}
                tabStop={item.index === activeIndex}
                folderName={folderName}
                accountName={accountName}
                onClick={(event) => onClick(event, item.index)}
                unfolded={row.message.thread ? unfolded[row.message.thread.id] !== undefined : false}
                onToggleThread={loadThread && !row.child ? (open) => void toggleThread(row.message, open) : undefined}
              />
            );
          })}
        </ul>
        {!complete ? <p className="list-more">Loading older messages…</p> : null}
      </div>
    </>
  );
}

type RowProps = {
  row: Row;
  index: number;
  setSize: number;
  top: number;
  height: number;
  current: boolean;
  chosen: boolean;
  tabStop: boolean;
  folderName?: (path: string, accountId?: string) => string;
  accountName?: (accountId: string) => string;
  onClick: (event: MouseEvent) => void;
  unfolded: boolean;
  onToggleThread?: (open: boolean) => void;
};

function MessageRow({ row, index, setSize, top, height, current, chosen, tabStop, folderName, accountName, onClick, unfolded, onToggleThread }: RowProps) {
  const m = row.message;
  const sender = m.from ? m.from.name || m.from.address : '(no sender)';
  const shownAccount = accountName && m.accountId !== undefined ? accountName(m.accountId) : undefined;
  const nameFolder: (path: string, accountId?: string) => string = folderName ?? inboxByName;
  const shownFolder = m.folder === undefined || (shownAccount !== undefined && !folderName) ? undefined : nameFolder(m.folder, m.accountId);
  const threadCount = !row.child && conversationSize(m) > 1 ? conversationSize(m) : 0;
  const states = [
    m.unread && 'unread',
    m.flagged && 'flagged',
    m.hasAttachments && 'has attachment',
    shownFolder !== undefined && `in ${shownFolder}`,
    shownAccount !== undefined && `account ${shownAccount}`,
    threadCount > 0 && `${threadCount} messages in conversation`,
    chosen && 'selected',
  ].filter((s): s is string => typeof s === 'string');
  const className = ['message-row', m.unread && 'unread', row.child && 'thread-child', chosen && 'chosen'].filter(Boolean).join(' ');
  return (
    <li
      data-index={index}
      aria-setsize={setSize}
      aria-posinset={index + 1}
      className={className}
      style={{ height, transform: `translateY(${top}px)` }}
    >
      {threadCount > 0 && onToggleThread ? (
        <button
          type="button"
          className="thread-toggle"
          tabIndex={-1}
          aria-expanded={unfolded}
          aria-label={`${unfolded ? 'Fold' : 'Unfold'} conversation, ${threadCount} messages`}
          onClick={() => onToggleThread(!unfolded)}
        >
          <span aria-hidden="true">{unfolded ? '▾' : '▸'}</span>
          <span aria-hidden="true">{threadCount}</span>
        </button>
      ) : null}
      <button type="button" className="row" tabIndex={tabStop ? 0 : -1} aria-current={current ? 'true' : undefined} onClick={onClick}>
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
        {shownFolder !== undefined || shownAccount !== undefined ? (
          <span className="folder-tag" aria-hidden="true">
            {[shownFolder, shownAccount].filter((s) => s !== undefined).join(' · ')}
          </span>
        ) : null}
      </button>
    </li>
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
