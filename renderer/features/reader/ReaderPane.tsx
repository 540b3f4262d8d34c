import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Folder } from '../../../shared/schemas.js';
import { draftFromSaved, type Draft } from '../compose/reply-draft.js';
import type { MessageActions } from '../mailbox/use-message-actions.js';
import type { Answers } from './answers.js';
import { Reader } from '../../deferred/deferred-parts.js';
import type { Opened } from './use-opened-message.js';

type Props = {
  client: ContractClient;
  opened: Opened | undefined;
  /** An account's folders (where the message may be moved; whether it is in Drafts). */
  foldersOf: (accountId: string) => Folder[];
  answers: Answers;
  actions: MessageActions;
  /** A saved draft opens in the composer. */
  onEditDraft: (draft: Draft) => void;
  onError: (error: AppErrorDto) => void;
};

/** The reading pane: the open message with its actions (and Edit draft for one in Drafts), or a hint. */
export function ReaderPane({ client, opened, foldersOf, answers, actions, onEditDraft, onError }: Props) {
  /** Edit draft: a message in Drafts opens in the composer; its saves replace it there. */
  async function editDraft(from: Opened) {
    const reply = await client.invoke('drafts.open', { accountId: from.accountId, folder: from.folder, uid: from.message.uid });
    if (!reply.ok) return onError(reply.error);
    onEditDraft(draftFromSaved(reply.value.draftId, reply.value.message));
  }

  return (
    <section className="reader-pane" aria-label="Reading pane">
      {opened && foldersOf(opened.accountId).find((f) => f.path === opened.folder)?.role === 'drafts' ? (
        <div className="draft-actions">
          <button type="button" onClick={() => void editDraft(opened)}>
            Edit draft
          </button>
        </div>
      ) : null}
      {opened ? (
        <Reader
          message={opened.message}
          client={client}
          accountId={opened.accountId}
          onReply={answers.reply}
          onReplyAll={answers.replyAll}
          onForward={answers.forward}
          actions={{
            folder: opened.folder,
            folders: foldersOf(opened.accountId),
            onDelete: () => void actions.deleteOpened(),
            onToggleRead: () => void actions.toggleRead(),
            onToggleFlag: () => void actions.toggleFlag(),
            onMove: (to) => void actions.moveOpened(to),
          }}
        />
      ) : (
        <p className="empty">Select a message to read it.</p>
      )}
    </section>
  );
}
