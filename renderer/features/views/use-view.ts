import { useCallback, useState } from 'react';
import type { Draft } from '../compose/reply-draft.js';

/** What the main area shows: the mailbox, the setup wizard, an account's settings, the composer or the outbox. */
export type View = { kind: 'mailbox' } | { kind: 'add-account' } | { kind: 'account-settings' } | { kind: 'compose'; draft: Draft } | { kind: 'outbox' };

/** The view in the main area, and the ways to another (each stable, so effects may keep them). */
export function useView() {
  const [view, setView] = useState<View>({ kind: 'mailbox' });
  const show = useCallback((kind: Exclude<View['kind'], 'compose'>) => setView({ kind }), []);
  const compose = useCallback((draft: Draft) => setView({ kind: 'compose', draft }), []);
  return { view, show, compose };
}

export type Views = ReturnType<typeof useView>;
