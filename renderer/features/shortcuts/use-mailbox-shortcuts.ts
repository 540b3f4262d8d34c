import { EMPTY_DRAFT, type Draft } from '../compose/reply-draft.js';
import { toggleFor } from '../mailbox/bulk-actions.js';
import type { Mailbox } from '../mailbox/use-mailbox.js';
import type { Answers } from '../reader/answers.js';
import { useShortcuts } from './shortcuts.js';

/**
 * The keyboard shortcuts (shortcuts.ts) on the mailbox: on the chosen rows when two or more are
 * chosen, else on the open message. A key with nothing to act on goes on as a key.
 */
export function useMailboxShortcuts(
  { actions, reader, search, listApi, searchBox }: Mailbox,
  answers: Answers,
  { compose, openHelp }: { compose: (draft: Draft) => void; openHelp: () => void },
  enabled: boolean,
) {
  const several = actions.chosen.length > 1;
  const { opened } = reader;
  useShortcuts(
    {
      compose: () => compose(EMPTY_DRAFT),
      reply: answers.reply,
      replyAll: answers.replyAll,
      forward: answers.forward,
      next: () => listApi.current?.move(1),
      previous: () => listApi.current?.move(-1),
      delete: () => (several ? void actions.actOnChosen('delete') : opened ? void actions.deleteOpened() : false),
      toggleUnread: () => (several ? void actions.actOnChosen(toggleFor(actions.chosen, 'unread')) : opened ? void actions.toggleRead() : false),
      toggleFlag: () => (several ? void actions.actOnChosen(toggleFor(actions.chosen, 'flag')) : opened ? void actions.toggleFlag() : false),
      search: () => void searchBox.current?.focus(),
      escape: () => {
        if (search.query !== '') return void search.clear();
        if (listApi.current?.clearSelection()) return;
        if (!opened) return false;
        reader.close();
      },
      help: () => void openHelp(),
    },
    enabled,
  );
}
