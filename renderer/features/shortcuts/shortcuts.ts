import { useEffect, useRef } from 'react';

export type ShortcutAction =
  | 'compose'
  | 'reply'
  | 'replyAll'
  | 'forward'
  | 'next'
  | 'previous'
  | 'delete'
  | 'toggleUnread'
  | 'toggleFlag'
  | 'search'
  | 'escape'
  | 'help';

/** Every shortcut, as the help overlay lists it: the keys, and what they do. */
export const SHORTCUTS: readonly { keys: string[]; action: ShortcutAction; description: string }[] = [
  { keys: ['c'], action: 'compose', description: 'Compose a new message' },
  { keys: ['r'], action: 'reply', description: 'Reply to the open message' },
  { keys: ['a'], action: 'replyAll', description: 'Reply to all' },
  { keys: ['f'], action: 'forward', description: 'Forward' },
  { keys: ['j'], action: 'next', description: 'Open the next message' },
  { keys: ['k'], action: 'previous', description: 'Open the previous message' },
  { keys: ['#', 'Delete'], action: 'delete', description: 'Delete the open or selected messages' },
  { keys: ['u'], action: 'toggleUnread', description: 'Mark read or unread' },
  { keys: ['s'], action: 'toggleFlag', description: 'Flag or unflag' },
  { keys: ['/'], action: 'search', description: 'Search' },
  { keys: ['Escape'], action: 'escape', description: 'Close the help, clear the search or selection, close the message' },
  { keys: ['?'], action: 'help', description: 'Show these shortcuts' },
];

/** Keys handled by the message list itself, listed in the help as well. */
export const LIST_KEYS: readonly { keys: string[]; description: string }[] = [
  { keys: ['↑', '↓'], description: 'Move between messages in the list' },
  { keys: ['Shift+↑', 'Shift+↓'], description: 'Extend the selection' },
  { keys: ['→', '←'], description: 'Unfold or fold a conversation' },
  { keys: ['Ctrl+click', 'Shift+click'], description: 'Select several messages' },
];

const BY_KEY = new Map(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

/**
 * True where a key press is typing, not a command: text fields, text areas, selects, editable
 * content (and anything inside them), including an iframe's own document.
 */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || !(target as Element).closest) return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const field = element.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
  if (!field) return false;
  if (field.tagName !== 'INPUT') return true;
  const type = (field as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(type);
}

/** The shortcut a key press means, or undefined (typing, a modifier held, a key with no shortcut). */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target' | 'defaultPrevented' | 'isComposing'>): ShortcutAction | undefined {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return undefined;
  const action = BY_KEY.get(event.key);
  if (!action) return undefined;
  // Escape leaves a field too (the search box clears itself); every other key is typing there.
  if (action !== 'escape' && isTyping(event.target)) return undefined;
  return action;
}

/**
 * Listens for the shortcuts on the whole window. `handlers` may change each render; the one
 * listener calls the latest. A handler that returns false did nothing, and the key goes on
 * (so, e.g., Escape still reaches a field's own handling).
 */
export function useShortcuts(handlers: Partial<Record<ShortcutAction, () => boolean | void>>, enabled = true) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      const handler = action && latest.current[action];
      if (!handler) return;
      if (handler() === false) return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
