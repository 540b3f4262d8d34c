import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import { EMPTY_DRAFT, type Draft } from '../compose/reply-draft.js';
import { PANE_LIMITS, type usePaneLayout } from '../layout/pane-layout.js';
import { Splitter } from '../layout/Splitter.js';
import type { Answers } from '../reader/answers.js';
import { ReaderPane } from '../reader/ReaderPane.js';
import { MailboxAlerts } from './MailboxAlerts.js';
import { MailboxMessages } from './MailboxMessages.js';
import { MailboxToolbar } from './MailboxToolbar.js';
import { SearchBox } from './SearchBox.js';
import { SyncProgress } from './SyncProgress.js';
import type { Mailbox } from './use-mailbox.js';

type Props = {
  client: ContractClient;
  accountId: string;
  mailbox: Mailbox;
  answers: Answers;
  error: AppErrorDto | undefined;
  onError: (error: AppErrorDto | undefined) => void;
  emailOf: (accountId: string) => string;
  panes: ReturnType<typeof usePaneLayout>;
  onCompose: (draft: Draft) => void;
  onOutbox: () => void;
  onHelp: () => void;
};

/** The mailbox of the chosen account (or All inboxes): the list pane beside the reading pane. */
export function MailboxView({ client, accountId, mailbox, answers, error, onError, emailOf, panes, onCompose, onOutbox, onHelp }: Props) {
  const { folders, search, reader, sync, actions } = mailbox;
  const { allInboxes } = folders;
  const checkNow = () => void sync.checkNow();
  return (
    <div className="mailbox">
      <section className="list-pane" aria-label={folders.title}>
        <MailboxToolbar
          title={folders.title}
          headingRef={reader.listHeading}
          checking={sync.checking}
          onCompose={() => onCompose(EMPTY_DRAFT)}
          onRefresh={checkNow}
          onOutbox={onOutbox}
          onHelp={onHelp}
        />
        <SyncProgress progress={sync.progress} checking={sync.checking} where={allInboxes ? 'every Inbox' : folders.folderName} />
        <SearchBox search={search} inputRef={mailbox.searchBox} />
        <MailboxAlerts
          client={client}
          accountId={accountId}
          syncFailure={
            sync.failure && { where: allInboxes ? `The Inbox of ${emailOf(sync.failure.accountId)}` : folders.folderName, error: sync.failure.error }
          }
          onRetrySync={checkNow}
          error={error}
          actionError={actions.actionError}
          onError={onError}
          reload={mailbox.reload}
        />
        <MailboxMessages accountId={accountId} mailbox={mailbox} accountName={emailOf} />
      </section>
      <Splitter label="Resize message list" value={panes.layout.list} {...PANE_LIMITS.list} onChange={(width) => panes.resize('list', width)} />
      <ReaderPane
        client={client}
        opened={reader.opened}
        foldersOf={folders.foldersOf}
        answers={answers}
        actions={actions}
        onEditDraft={onCompose}
        onError={onError}
      />
    </div>
  );
}
