import { useEffect } from 'react';
import { deferred } from './deferred.js';
import { deferredView } from './deferred-view.js';

/**
 * What the first screen (the mailbox's list) does not need, each in a chunk of its own, so that
 * the window reads less code before it can draw the list: the start-up chunk went from 504 to
 * 324 KB. Measured by the renderer benchmark (test/bench/renderer-inbox.ts); which modules the
 * start-up chunk may reach is specified in test/renderer/start-up-chunk.test.ts.
 */
export const SetupWizard = deferredView(() => import('../features/accounts/SetupWizard.js').then((m) => m.SetupWizard));
export const AccountSettings = deferredView(() => import('../features/accounts/AccountSettings.js').then((m) => m.AccountSettings));
export const OutboxView = deferredView(() => import('../features/outbox/OutboxView.js').then((m) => m.OutboxView));
export const Compose = deferredView(() => import('../features/compose/Compose.js').then((m) => m.Compose));
/** The reader, with the HTML sanitizer (DOMPurify) and the CSS reader it alone uses. */
export const Reader = deferredView(() => import('../features/reader/Reader.js').then((m) => m.Reader));

/** Reply, Reply all and Forward quote the message's HTML cleaned by DOMPurify, which only they and the reader use. */
export const answerDrafts = deferred(() => import('../features/compose/answer-drafts.js'));

const ALL = [Reader, Compose, SetupWizard, AccountSettings, OutboxView, answerDrafts];

/**
 * Fetches every deferred part, once the first screen is drawn: opening the first message, or
 * pressing c or r, then waits for nothing (the open-a-message target is 50 ms).
 */
export function preloadDeferredParts(): Promise<unknown> {
  return Promise.all(ALL.map((part) => part.load()));
}

/** How long a first screen without rows (an empty Inbox, the setup wizard) waits before the parts are fetched anyway. */
const PRELOAD_ANYWAY_MS = 2000;

/**
 * Fetches the deferred parts as soon as the first screen has drawn its rows (not before: the
 * fetch would compete with drawing them), or a little later whatever it shows.
 */
export function usePreloadDeferredParts(firstScreenDrawn: boolean): void {
  useEffect(() => {
    const timer = setTimeout(() => void preloadDeferredParts(), firstScreenDrawn ? 0 : PRELOAD_ANYWAY_MS);
    return () => clearTimeout(timer);
  }, [firstScreenDrawn]);
}
