import type { MessageDetail } from '../../../shared/schemas.js';
import { forwardDraft, replyAllDraft, replyDraft, type Draft } from '../compose/reply-draft.js';
import type { Opened } from './use-opened-message.js';

type Context = {
  /** The chosen account, and how to choose another. */
  accountId: string | undefined;
  choose: (accountId: string) => void;
  emailOf: (accountId: string) => string;
  compose: (draft: Draft) => void;
};

/**
 * Reply, Reply all and Forward of the open message: the composer opens with the draft, written
 * from the message's own account (in All inboxes, maybe not the chosen one, which it becomes).
 * Each answers false when no message is open (a shortcut key then does nothing).
 */
export function answersTo(opened: Opened | undefined, { accountId, choose, emailOf, compose }: Context) {
  const answer = (make: (message: MessageDetail, ownAddress: string) => Draft) => {
    if (!opened) return false;
    if (opened.accountId !== accountId) choose(opened.accountId);
    compose(make(opened.message, emailOf(opened.accountId)));
    return true;
  };
  return {
    reply: () => answer((m) => replyDraft(m)),
    replyAll: () => answer((m, own) => replyAllDraft(m, [own])),
    forward: () => answer((m) => forwardDraft(m, opened?.folder)),
  };
}

export type Answers = ReturnType<typeof answersTo>;
