// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageList, type ListedMessage, type MessageListHandle } from '../../renderer/features/mailbox/MessageList.js';

afterEach(cleanup);

const summary = (uid: number, more: Partial<ListedMessage> = {}): ListedMessage => ({
  uid,
  from: { name: `Sender ${uid}`, address: `s${uid}@example.test` },
  subject: `Subject ${uid}`,
  date: '2026-03-02T12:00:00.000Z',
  unread: false,
  size: 1000,
  flagged: false,
  hasAttachments: false,
  receivedAt: uid,
  ...more,
});
const many = (n: number) => Array.from({ length: n }, (_, i) => summary(n - i));

const items = () => within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('listitem');
const rowButton = (uid: number) => within(screen.getByRole('list', { name: 'Messages' })).getByRole('button', { name: new RegExp(`Subject ${uid}(?!\\d)`) });

describe('the virtual message list', () => {
  it('draws a constant number of rows for 100,000 messages, each saying where it stands', () => {
    const { rerender } = render(<MessageList messages={many(1_000)} selected={undefined} folder="INBOX" onOpen={() => {}} />);
    const forThousand = items().length;
    rerender(<MessageList messages={many(100_000)} selected={undefined} folder="INBOX" onOpen={() => {}} />);
    const rows = items();
    expect(rows.length).toBe(forThousand);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.getAttribute('aria-setsize')).toBe('100000');
    expect(rows[0]!.getAttribute('aria-posinset')).toBe('1');
    expect(rows[1]!.getAttribute('aria-posinset')).toBe('2');
    // The whole list's height is there for the scrollbar.
    expect(parseFloat(screen.getByRole('list', { name: 'Messages' }).style.height)).toBeGreaterThan(100_000 * 30);
  });

  it('says the size is unknown while history is still loading, and asks for more near the end', () => {
    const onEndReached = vi.fn();
    render(<MessageList messages={many(30)} selected={undefined} folder="INBOX" onOpen={() => {}} complete={false} onEndReached={onEndReached} />);
    expect(items()[0]!.getAttribute('aria-setsize')).toBe('-1');
    expect(onEndReached).toHaveBeenCalled();
  });

  it('keeps the unread, flag and attachment marks in words', () => {
    render(<MessageList messages={[summary(1, { unread: true, flagged: true, hasAttachments: true })]} selected={undefined} folder="INBOX" onOpen={() => {}} />);
    expect(rowButton(1).textContent).toContain(', unread, flagged, has attachment');
    expect(items()[0]!.className).toContain('unread');
  });

  it('opens on a click; Ctrl-click and Shift-click choose several, and an action gets them all', () => {
    const onOpen = vi.fn();
    const onAction = vi.fn();
    const onSelection = vi.fn();
    render(<MessageList messages={many(10)} selected={undefined} folder="INBOX" onOpen={onOpen} onSelectionAction={onAction} onSelectionChange={onSelection} />);
    fireEvent.click(rowButton(10));
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ uid: 10 }));
    fireEvent.click(rowButton(8), { ctrlKey: true });
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(onSelection).toHaveBeenLastCalledWith([expect.objectContaining({ uid: 10 }), expect.objectContaining({ uid: 8 })]);
    fireEvent.click(rowButton(5), { shiftKey: true });
    expect(onSelection.mock.lastCall![0].map((m: ListedMessage) => m.uid)).toEqual([8, 7, 6, 5]);
    const bar = screen.getByRole('toolbar', { name: 'Selected messages' });
    expect(bar.textContent).toContain('4 selected');
    expect(rowButton(6).textContent).toContain(', selected');
    fireEvent.click(within(bar).getByRole('button', { name: 'Mark as read' }));
    expect(onAction).toHaveBeenCalledWith('read', [8, 7, 6, 5].map((uid) => expect.objectContaining({ uid })));
    fireEvent.click(within(bar).getByRole('button', { name: 'Clear selection' }));
    expect(screen.queryByRole('toolbar', { name: 'Selected messages' })).toBeNull();
  });

  it('is one tab stop; the arrow keys move focus along it and Shift extends the selection', async () => {
    const onSelection = vi.fn();
    render(<MessageList messages={many(10)} selected={undefined} folder="INBOX" onOpen={() => {}} onSelectionChange={onSelection} />);
    const buttons = within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('button');
    expect(buttons.filter((b) => b.tabIndex === 0)).toHaveLength(1);
    buttons[0]!.focus();
    fireEvent.keyDown(buttons[0]!, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(rowButton(9)));
    fireEvent.keyDown(rowButton(9), { key: 'ArrowDown', shiftKey: true });
    await waitFor(() => expect(document.activeElement).toBe(rowButton(8)));
    expect(onSelection.mock.lastCall![0].map((m: ListedMessage) => m.uid)).toEqual([9, 8]);
    fireEvent.keyDown(rowButton(8), { key: 'End' });
    await waitFor(() => expect(document.activeElement).toBe(rowButton(1)));
  });

  it('moves to the next and previous message for j and k', () => {
    const onOpen = vi.fn();
    const handle = createRef<MessageListHandle>();
    render(<MessageList messages={many(5)} selected={{ folder: 'INBOX', uid: 4 }} folder="INBOX" onOpen={onOpen} handle={handle} />);
    handle.current!.move(1);
    expect(onOpen).toHaveBeenLastCalledWith(expect.objectContaining({ uid: 3 }));
    handle.current!.move(-1);
    expect(onOpen).toHaveBeenLastCalledWith(expect.objectContaining({ uid: 5 }));
  });

  it('unfolds a conversation with its messages from thread.open, and folds it again', async () => {
    // Two of its messages in this folder, the third in Sent: the conversation counts all three.
    const thread = { id: 7, count: 2, unread: 0, countAll: 3 };
    const loadThread = vi.fn(async () => [summary(1, { folder: 'INBOX', subject: 'First' }), summary(2, { folder: 'Sent', subject: 'Second' }), summary(3, { folder: 'INBOX', thread })]);
    render(<MessageList messages={[summary(3, { thread })]} selected={undefined} folder="INBOX" onOpen={() => {}} loadThread={loadThread} />);
    expect(rowButton(3).textContent).toContain('3 messages in conversation');
    const toggle = screen.getByRole('button', { name: 'Unfold conversation, 3 messages' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    await waitFor(() => expect(items()).toHaveLength(3));
    expect(loadThread).toHaveBeenCalledWith(7);
    // The thread's own newest message is not listed twice; the others show their folder.
    expect(items()[2]!.textContent).toContain('Sent');
    // The Inbox by its name, not by its path ("INBOX").
    expect(items()[1]!.textContent).toContain(', in Inbox');
    expect(items()[1]!.textContent).not.toContain('INBOX');
    fireEvent.click(screen.getByRole('button', { name: 'Fold conversation, 3 messages' }));
    await waitFor(() => expect(items()).toHaveLength(1));
  });

  it('offers to unfold a reply whose conversation is elsewhere: the one message in the Inbox, the one it answers in Sent', async () => {
    const thread = { id: 8, count: 1, unread: 1, countAll: 2 };
    const loadThread = vi.fn(async () => [summary(1, { folder: 'Sent' }), summary(2, { folder: 'INBOX', thread })]);
    render(<MessageList messages={[summary(2, { thread })]} selected={undefined} folder="INBOX" onOpen={() => {}} loadThread={loadThread} />);
    expect(rowButton(2).textContent).toContain('2 messages in conversation');
    fireEvent.click(screen.getByRole('button', { name: 'Unfold conversation, 2 messages' }));
    await waitFor(() => expect(items()).toHaveLength(2));
    expect(items()[1]!.textContent).toContain('Subject 1');
    expect(items()[1]!.textContent).toContain('in Sent');
  });

  it('offers no unfolding for a message that is a conversation of its own', () => {
    const thread = { id: 9, count: 1, unread: 0, countAll: 1 };
    render(<MessageList messages={[summary(4, { thread })]} selected={undefined} folder="INBOX" onOpen={() => {}} loadThread={vi.fn()} />);
    expect(screen.queryByRole('button', { name: /conversation/ })).toBeNull();
    expect(rowButton(4).textContent).not.toContain('in conversation');
  });
});
