import { useMemo, useState } from 'react';
import type { ContractClient } from '../shared/contract.js';
import type { AppErrorDto } from '../shared/errors.js';
import type { OutgoingMessage } from '../shared/schemas.js';
import { AccountsSidebar } from './features/accounts/AccountsSidebar.js';
import { AppNotices } from './features/accounts/AppNotices.js';
import { useAccounts } from './features/accounts/use-accounts.js';
import { draftFromOutgoing } from './features/compose/reply-draft.js';
import { useComposeRequests } from './features/compose/use-compose-requests.js';
import { Splitter } from './features/layout/Splitter.js';
import { PANE_LIMITS, usePaneLayout } from './features/layout/pane-layout.js';
import { ConfirmDeleteForGood } from './features/mailbox/ConfirmDeleteForGood.js';
import { MailboxView } from './features/mailbox/MailboxView.js';
import { askForFirstScreen } from './features/mailbox/first-screen.js';
import { useMailbox } from './features/mailbox/use-mailbox.js';
import { answersTo } from './features/reader/answers.js';
import { ShortcutsHelp } from './features/shortcuts/ShortcutsHelp.js';
import { useMailboxShortcuts } from './features/shortcuts/use-mailbox-shortcuts.js';
import { StatusLine } from './features/status/StatusLine.js';
import { useStatusLine } from './features/status/use-status-line.js';
import { usePreloadDeferredParts } from './deferred/deferred-parts.js';
import { useView } from './features/views/use-view.js';
import { askingAhead } from './transport/asking-ahead.js';
import { ViewRouter } from './features/views/ViewRouter.js';

/**
 * The app: the sidebar of accounts and folders, the status line, and the view chosen (the mailbox
 * unless another is). Each feature keeps its own state in its hooks; this only wires them together.
 */
export function App({ client: main }: { client: ContractClient }) {
  const client = useMemo(() => askingAhead(main), [main]);
  const views = useView();
  const [error, setError] = useState<AppErrorDto>();
  const accounts = useAccounts(
    client,
    setError,
    () => views.show('add-account'),
    ([first]) => {
      if (first) askForFirstScreen(client, first.id);
    },
  );
  const status = useStatusLine(client, setError);
  useComposeRequests(client, views.compose);
  const mailbox = useMailbox(client, accounts, status, setError);
  const { folders, search, actions } = mailbox;
  const [helpOpen, setHelpOpen] = useState(false);
  const panes = usePaneLayout();
  const answers = answersTo(mailbox.reader.opened, { ...accounts, compose: views.compose, onError: setError });
  const inMailbox = views.view.kind === 'mailbox';
  usePreloadDeferredParts(mailbox.list.messages.length > 0);
  useMailboxShortcuts(mailbox, answers, { compose: views.compose, openHelp: () => setHelpOpen(true) }, inMailbox && accounts.account !== undefined && !helpOpen && !actions.confirming);

  /** A message taken back from the outbox opens in the composer, in its own account. */
  function editOutgoing(accountId: string, draft: OutgoingMessage, notice: string) {
    accounts.choose(accountId);
    status.notify(notice);
    views.compose(draftFromOutgoing(draft));
  }

  return (
    <div className="app" style={panes.style}>
      <AccountsSidebar
        client={client}
        accounts={accounts}
        folders={folders}
        inMailbox={inMailbox}
        onAllInboxes={() => {
          folders.showAllInboxes();
          search.clear();
          views.show('mailbox');
        }}
        onAccount={(id) => {
          accounts.choose(id);
          folders.showAccount();
          views.show('mailbox');
        }}
        onFolder={(path) => {
          folders.choose(path);
          search.clear();
          views.show('mailbox');
        }}
        onAddAccount={() => views.show('add-account')}
        onAccountSettings={() => views.show('account-settings')}
        onRemoved={(removed) => {
          views.show(accounts.removed(removed.id).length ? 'mailbox' : 'add-account');
          status.notify(`Removed ${removed.email} from this computer.`);
        }}
      />
      <Splitter label="Resize folders" value={panes.layout.folders} {...PANE_LIMITS.folders} onChange={(width) => panes.resize('folders', width)} />

      <main className="content">
        <StatusLine
          line={status}
          onUndoSend={(item) =>
            void status.takeBack(item).then((draft) => {
              if (draft) editOutgoing(item.accountId, draft, 'Message taken back. It was not sent.');
            })
          }
        />
        <AppNotices client={client} />
        <ViewRouter
          client={client}
          views={views}
          accounts={accounts}
          status={status}
          error={error}
          onEditOutgoing={editOutgoing}
          mailbox={(account) => (
            <MailboxView
              client={client}
              accountId={account.id}
              mailbox={mailbox}
              answers={answers}
              error={error}
              onError={setError}
              emailOf={accounts.emailOf}
              panes={panes}
              onCompose={views.compose}
              onOutbox={() => views.show('outbox')}
              onHelp={() => setHelpOpen(true)}
            />
          )}
        />
      </main>
      {helpOpen ? <ShortcutsHelp onClose={() => setHelpOpen(false)} /> : null}
      {actions.confirming ? <ConfirmDeleteForGood count={actions.confirming.count} onConfirm={actions.confirming.run} onCancel={actions.cancelConfirming} /> : null}
    </div>
  );
}
