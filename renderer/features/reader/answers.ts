import type { AppErrorDto } from '../../../shared/errors.js';
import type { MessageDetail } from '../../../shared/schemas.js';
import { answerDrafts } from '../../deferred/deferred-parts.js';
import { NOT_LOADED } from '../../deferred/deferred.js';
import type { Draft } from '../compose/reply-draft.js';
import type { Opened } from './use-opened-message.js';

type Context = {
  /** The chosen account, and how to choose another. */
  accountId: string | undefined;
  choose: (accountId: string) => void;
  emailOf: (accountId: string) => string;
  compose: (draft: Draft) => void;
  onError: (error: AppErrorDto) => void;
};

type AnswerDrafts = typeof import('../compose/answer-drafts.js');

/**
 * Reply, Reply all and Forward of the open message: the composer opens with the draft, written
 * from the message's own account (in All inboxes, maybe not the chosen one, which it becomes).
 * Each answers false when no message is open (a shortcut key then does nothing).
 *
 * The drafts are written by a deferred chunk (it quotes with DOMPurify), preloaded once the first
 * screen is drawn: in the moment after start before it is in, the composer opens when it comes.
 */
export function answersTo(opened: Opened | undefined, { accountId, choose, emailOf, compose, onError }: Context) {
  const answer = (make: (drafts: AnswerDrafts, message: MessageDetail, ownAddress: string, folder: string) => Draft) => {
    if (!opened) return false;
    const { accountId: from, message, folder } = opened;
    const write = (drafts: AnswerDrafts) => {
      if (from !== accountId) choose(from);
      compose(make(drafts, message, emailOf(from), folder));
    };
    const now = answerDrafts.loaded;
    if (now?.ok) write(now.value);
    else void answerDrafts.load().then((loaded) => (loaded.ok ? write(loaded.value) : onError(NOT_LOADED)));
    return true;
  };
  return {
    reply: () => answer((drafts, m) => drafts.replyDraft(m)),
    replyAll: () => answer((drafts, m, own) => drafts.replyAllDraft(m, [own])),
    forward: () => answer((drafts, m, _own, folder) => drafts.forwardDraft(m, folder)),
  };
}

export type Answers = ReturnType<typeof answersTo>;
