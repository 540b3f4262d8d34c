import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ComposeRequest, ContractClient } from '../shared/contract.js';
import type { AppErrorDto } from '../shared/errors.js';
import type { OutboxItem } from '../shared/outbox.js';
import type { Account, Folder, MessageDetail } from '../shared/schemas.js';
import { ErrorAlert, type TrustableCertificate } from './components/ErrorAlert.js';
import { AppNotices } from './features/accounts/AppNotices.js';
import { DomainCheck } from './features/accounts/DomainCheck.js';
import { isPasswordMissing, isSignInRequired, PasswordPrompt, SignInPrompt } from './features/accounts/PasswordPrompt.js';
import { RemoveAccount } from './features/accounts/RemoveAccount.js';
import { AccountSettings } from './features/accounts/AccountSettings.js';
import { SetupWizard } from './features/accounts/SetupWizard.js';
import { Compose } from './features/compose/Compose.js';
import { draftFromComposeRequest, draftFromOutgoing, draftFromSaved, EMPTY_DRAFT, forwardDraft, replyAllDraft, replyDraft, type Draft } from './features/compose/reply-draft.js';
import { Splitter } from './features/layout/Splitter.js';
import { PANE_LIMITS, usePaneLayout } from './features/layout/pane-layout.js';
import { actOnMessages, toggleFor } from './features/mailbox/bulk-actions.js';
import { ListControls, useListOrder } from './features/mailbox/ListControls.js';
import type { SelectionAction } from './features/mailbox/SelectionBar.js';
import { useMessagePages } from './features/mailbox/use-message-pages.js';
import { ShortcutsHelp } from './features/shortcuts/ShortcutsHelp.js';
import { useShortcuts } from './features/shortcuts/shortcuts.js';
import { FolderList } from './features/mailbox/FolderList.js';
import { MessageList, type ListedMessage, type MessageListHandle } from './features/mailbox/MessageList.js';
import { SendStatus } from './features/outbox/SendStatus.js';
import { OutboxView } from './features/outbox/OutboxView.js';
import { Reader } from './features/reader/Reader.js';

type View = { kind: 'mailbox' } | { kind: 'add-account' } | { kind: 'account-settings' } | { kind: 'compose'; draft: Draft } | { kind: 'outbox' };
/** The message in the reader, and the folder it was opened from (a search result's may be another). */
type Opened = { message: MessageDetail; folder: string };
/** How long typing pauses before the search box asks. */
export const SEARCH_DELAY_MS = 150;

export function App({ client }: { client: ContractClient }) {
  const [accounts, setAccounts] = useState<Account[]>();
  const [accountId, setAccountId] = useState<string>();
  // Each account's folders and the folder chosen in it (its Inbox until another is chosen).
  const [foldersByAccount, setFoldersByAccount] = useState<Record<string, Folder[]>>({});
  const [folderByAccount, setFolderByAccount] = useState<Record<string, string>>({});
  const [view, setView] = useState<View>({ kind: 'mailbox' });
  // A folder sync asked for with Refresh (the list's own pages load in useMessagePages).
  const [loading, setLoading] = useState(false);
  const [opened, setOpened] = useState<Opened>();
  const [error, setError] = useState<AppErrorDto>();
  // A queued action the server refused (action.failed): kept apart from `error`, which every
  // list refresh clears, so the person still sees why the change came back.
  const [actionError, setActionError] = useState<AppErrorDto>();
  // The search box: what is typed, and the answer to it (undefined while the folder is shown).
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ListedMessage[]>();
  const searchId = useId();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState('');
  // The message last handed to the outbox; its progress replaces the status line until the next notice.
  const [sending, setSending] = useState<OutboxItem>();

  const account = accounts?.find((a) => a.id === accountId);
  const folders = (accountId && foldersByAccount[accountId]) || [];
  const folderPath = (accountId && folderByAccount[accountId]) || 'INBOX';
  const folder = folders.find((f) => f.path === folderPath);
  const folderName = folderPath === 'INBOX' ? 'Inbox' : (folder?.name ?? folderPath);
  const nameOf = (path: string) => (path === 'INBOX' ? 'Inbox' : (folders.find((f) => f.path === path)?.name ?? path));
  const searchText = query.trim();

  useEffect(() => {
    void client.invoke('accounts.list', {}).then((reply) => {
      if (!reply.ok) return setError(reply.error);
      setAccounts(reply.value);
      setAccountId((current) => current ?? reply.value[0]?.id);
      if (reply.value.length === 0) setView({ kind: 'add-account' });
    });
    const offAccounts = client.on('accounts.changed', ({ accounts: next }) => setAccounts(next));
    const offOutbox = client.on('outbox.changed', ({ items }) =>
      setSending((current) => (current ? (items.find((i) => i.id === current.id) ?? current) : current)),
    );
    return () => {
      offAccounts();
      offOutbox();
    };
  }, [client]);

  // mailto: links opened with the desktop app: the composer opens prefilled. Links that came
  // before this page listened are taken once; web mode has none.
  useEffect(() => {
    const openComposer = (request: ComposeRequest) => setView({ kind: 'compose', draft: draftFromComposeRequest(request) });
    const off = client.on('compose.requested', openComposer);
    client
      .invoke('compose.takeRequested', {})
      .then((reply) => {
        if (reply.ok) reply.value.requests.forEach(openComposer);
      })
      .catch(() => {});
    return off;
  }, [client]);

  function notify(text: string) {
    setSending(undefined);
    setStatus(text);
  }

  async function undo(item: OutboxItem) {
    const reply = await client.invoke('outbox.cancel', { id: item.id });
    if (!reply.ok) return setError(reply.error);
    setAccountId(item.accountId);
    notify('Message taken back. It was not sent.');
    setView({ kind: 'compose', draft: draftFromOutgoing(reply.value.draft) });
  }

  /** Edit draft: a message in Drafts opens in the composer; its saves replace it there. */
  async function editDraft(from: Opened) {
    if (!accountId) return;
    const reply = await client.invoke('drafts.open', { accountId, folder: from.folder, uid: from.message.uid });
    if (!reply.ok) return setError(reply.error);
    setView({ kind: 'compose', draft: draftFromSaved(reply.value.draftId, reply.value.message) });
  }

  async function retry(item: OutboxItem) {
    const reply = await client.invoke('outbox.retry', { id: item.id });
    if (reply.ok) setSending(reply.value);
    else setError(reply.error);
  }

  /** Trusts exactly the certificate the person was shown, for that server of that account. */
  async function trustCertificate(forAccount: string, certificate: TrustableCertificate) {
    const reply = await client.invoke('accounts.trustCertificate', { accountId: forAccount, ...certificate });
    if (!reply.ok) {
      setError(reply.error);
      return false;
    }
    setError(undefined);
    return true;
  }

  const loadFolders = useCallback(async () => {
    if (!accountId) return;
    const reply = await client.invoke('folders.list', { accountId });
    if (reply.ok) setFoldersByAccount((all) => ({ ...all, [accountId]: reply.value }));
    else setError(reply.error);
  }, [client, accountId]);

  // The folder's messages, a page of history at a time, in the chosen order (see use-message-pages.ts).
  const [listOrder, setListOrder] = useListOrder();
  const pages = useMessagePages(client, accountId, folderPath, listOrder, setError);
  const { messages, setMessages, refresh, reset: resetList } = pages;
  const listApi = useRef<MessageListHandle>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<ListedMessage[]>([]);
  const [helpOpen, setHelpOpen] = useState(false);
  const panes = usePaneLayout();
  const loadThread = useCallback(
    async (threadId: number) => {
      if (!accountId) return undefined;
      const reply = await client.invoke('thread.open', { accountId, threadId });
      if (reply.ok) return reply.value;
      setError(reply.error);
      return undefined;
    },
    [client, accountId],
  );

  useEffect(() => {
    void loadFolders();
  }, [loadFolders]);

  // Refresh asks the server now (the list is drawn from the store, which a sync keeps current).
  async function checkNow() {
    if (!accountId) return;
    setLoading(true);
    const reply = await client.invoke('folder.sync', { accountId, folder: folderPath });
    setLoading(false);
    if (!reply.ok) return setError(reply.error);
    await Promise.all([refresh(), loadFolders()]);
  }

  useEffect(() => {
    setOpened(undefined);
  }, [accountId, folderPath]);

  useEffect(() => {
    resetList();
    void refresh();
  }, [refresh, resetList]);

  // New mail pushed by the account's IDLE connection: the list and the counts catch up by themselves.
  useEffect(
    () =>
      client.on('mail.arrived', (arrival) => {
        if (arrival.accountId !== accountId) return;
        void loadFolders();
        if (arrival.folder === folderPath) void refresh();
      }),
    [client, accountId, folderPath, refresh, loadFolders],
  );

  // How far the chosen folder's sync has got, while messages are still streaming in.
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>();
  useEffect(() => {
    setProgress(undefined);
    return client.on('sync.progressed', (p) => {
      if (p.accountId !== accountId || p.folder !== folderPath) return;
      setProgress(p.done < p.total ? { done: p.done, total: p.total } : undefined);
    });
  }, [client, accountId, folderPath]);

  // The search box asks once typing pauses; only the latest question's answer is shown.
  const latestSearch = useRef(0);
  const search = useCallback(
    async (text: string) => {
      if (!accountId) return;
      const request = ++latestSearch.current;
      const reply = await client.invoke('messages.search', { accountId, query: text, limit: 100 });
      if (request !== latestSearch.current) return;
      if (reply.ok) setResults(reply.value.messages);
      else setError(reply.error);
    },
    [client, accountId],
  );

  useEffect(() => {
    if (!searchText) {
      latestSearch.current++;
      setResults(undefined);
      return;
    }
    const timer = setTimeout(() => void search(searchText), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchText, search]);

  // Another account: its own search, and nothing left over from the last one's actions.
  useEffect(() => {
    setQuery('');
    setActionError(undefined);
  }, [accountId]);

  // The store changed under the list (a sync brought messages, flags or removals): redraw from it.
  useEffect(() => {
    const offMessages = client.on('messages.changed', (change) => {
      if (change.accountId !== accountId) return;
      if (change.folder === folderPath) void refresh();
      if (searchText) void search(searchText);
    });
    const offFolders = client.on('folders.changed', (change) => {
      if (change.accountId === accountId) void loadFolders();
    });
    return () => {
      offMessages();
      offFolders();
    };
  }, [client, accountId, folderPath, refresh, loadFolders, search, searchText]);

  // The server refused an action and it was undone: the person is told why it came back.
  useEffect(
    () =>
      client.on('action.failed', (failure) => {
        if (failure.accountId !== accountId) return;
        setActionError({ ...failure.error, message: `The server refused a change, so it was undone: ${failure.error.message}` });
      }),
    [client, accountId],
  );

  // The reader follows the list's view of the open message (a flag set elsewhere, or rolled back).
  useEffect(() => {
    setOpened((o) => {
      if (!o) return o;
      const row =
        results?.find((r) => r.folder === o.folder && r.uid === o.message.uid) ??
        (o.folder === folderPath ? messages.find((m) => m.uid === o.message.uid) : undefined);
      if (!row || (row.unread === o.message.unread && row.flagged === o.message.flagged)) return o;
      return { ...o, message: { ...o.message, unread: row.unread, flagged: row.flagged } };
    });
  }, [messages, results, folderPath]);

  /** Opens a message from its own folder: the one listed, or a search result's. */
  async function open(uid: number, from: string = folderPath) {
    if (!accountId) return;
    setError(undefined);
    const reply = await client.invoke('message.open', { accountId, folder: from, uid });
    if (!reply.ok) return setError(reply.error);
    setOpened({ message: reply.value, folder: from });
    const listed = from === folderPath ? messages.find((m) => m.uid === uid) : undefined;
    const found = results?.find((r) => r.folder === from && r.uid === uid);
    if ((listed ?? found)?.unread) {
      setFoldersByAccount((all) => ({
        ...all,
        [accountId]: (all[accountId] ?? []).map((f) => (f.path === from ? { ...f, unread: Math.max(0, f.unread - 1) } : f)),
      }));
    }
    if (from === folderPath) setMessages((list) => list.map((m) => (m.uid === uid ? { ...m, unread: false } : m)));
    setResults((list) => list?.map((r) => (r.folder === from && r.uid === uid ? { ...r, unread: false } : r)));
  }

  // After Delete or Move the reader is gone: focus goes back to the list, not to the page's top.
  const focusListNext = useRef(false);
  useEffect(() => {
    if (opened || !focusListNext.current) return;
    focusListNext.current = false;
    listHeading.current?.focus();
  }, [opened]);

  /** Read/unread and flagged: shown at once by main; the reader shows the new state when it answers. */
  async function setFlag(flag: 'seen' | 'flagged', on: boolean) {
    if (!accountId || !opened) return;
    const { folder: from, message } = opened;
    setActionError(undefined);
    const change = on ? { add: [flag] } : { remove: [flag] };
    const reply = await client.invoke('messages.setFlags', { accountId, folder: from, uids: [message.uid], ...change });
    if (!reply.ok) return setError(reply.error);
    const state = flag === 'seen' ? { unread: !on } : { flagged: on };
    setOpened((o) => (o && o.folder === from && o.message.uid === message.uid ? { ...o, message: { ...o.message, ...state } } : o));
  }

  /** Delete (to Trash, or for good in Trash) and Move: the reader closes; messages.changed redraws the list. */
  async function removeOpened(how: { kind: 'delete' } | { kind: 'move'; to: string }) {
    if (!accountId || !opened) return;
    const { folder: from, message } = opened;
    setActionError(undefined);
    const target = { accountId, folder: from, uids: [message.uid] };
    const reply = how.kind === 'delete' ? await client.invoke('messages.delete', target) : await client.invoke('messages.move', { ...target, to: how.to });
    if (!reply.ok) return setError(reply.error);
    focusListNext.current = true;
    setOpened((o) => (o && o.folder === from && o.message.uid === message.uid ? undefined : o));
  }

  /** An action on the rows chosen in the list (two or more): a request per folder; main redraws. */
  async function actOnChosen(action: SelectionAction, rows: readonly ListedMessage[] = chosen) {
    if (!accountId || rows.length === 0) return;
    setActionError(undefined);
    const failed = await actOnMessages(client, accountId, folderPath, rows, action);
    if (failed) return setError(failed);
    if (action === 'delete') {
      listApi.current?.clearSelection();
      if (opened && rows.some((m) => (m.folder ?? folderPath) === opened.folder && m.uid === opened.message.uid)) {
        focusListNext.current = true;
        setOpened(undefined);
      }
    }
  }

  // The keyboard shortcuts (features/shortcuts): on the mailbox only, never while typing in a field.
  const several = chosen.length > 1;
  const compose = (draft: Draft | undefined) => (draft ? (setView({ kind: 'compose', draft }), true) : false);
  useShortcuts(
    {
      compose: () => compose(EMPTY_DRAFT),
      reply: () => compose(opened && replyDraft(opened.message)),
      replyAll: () => compose(opened && account && replyAllDraft(opened.message, [account.email])),
      forward: () => compose(opened && forwardDraft(opened.message, opened.folder)),
      next: () => listApi.current?.move(1),
      previous: () => listApi.current?.move(-1),
      delete: () => (several ? void actOnChosen('delete') : opened ? void removeOpened({ kind: 'delete' }) : false),
      toggleUnread: () =>
        several ? void actOnChosen(toggleFor(chosen, 'unread')) : opened ? void setFlag('seen', opened.message.unread) : false,
      toggleFlag: () =>
        several ? void actOnChosen(toggleFor(chosen, 'flag')) : opened ? void setFlag('flagged', !opened.message.flagged) : false,
      search: () => void searchBox.current?.focus(),
      escape: () => {
        if (query !== '') return void setQuery('');
        if (listApi.current?.clearSelection()) return;
        if (!opened) return false;
        focusListNext.current = true;
        setOpened(undefined);
      },
      help: () => void setHelpOpen(true),
    },
    view.kind === 'mailbox' && account !== undefined && !helpOpen,
  );

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Escape' || query === '') return;
    event.preventDefault();
    setQuery('');
  }

  function searchNow(event: FormEvent) {
    event.preventDefault();
    if (searchText) void search(searchText);
  }

  return (
    <div className="app" style={panes.style}>
      <nav className="sidebar" aria-label="Accounts">
        <h1>Mua Mail</h1>
        <ul className="account-list">
          {(accounts ?? []).map((a) => (
            <li key={a.id}>
              <button
                type="button"
                aria-pressed={a.id === accountId}
                onClick={() => {
                  setAccountId(a.id);
                  setView({ kind: 'mailbox' });
                }}
              >
                {a.email}
              </button>
              {a.id === accountId ? (
                <FolderList
                  folders={folders}
                  selectedPath={folderPath}
                  onSelect={(path) => {
                    setFolderByAccount((all) => ({ ...all, [a.id]: path }));
                    setQuery('');
                    setView({ kind: 'mailbox' });
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => setView({ kind: 'add-account' })}>
          Add account
        </button>
        {account ? (
          <button type="button" onClick={() => setView({ kind: 'account-settings' })}>
            Account settings
          </button>
        ) : null}
        {account ? <DomainCheck key={`domain-${account.id}`} client={client} account={account} /> : null}
        {account ? (
          <RemoveAccount
            key={account.id}
            client={client}
            account={account}
            onRemoved={(removedId) => {
              const rest = (accounts ?? []).filter((a) => a.id !== removedId);
              setAccounts(rest);
              setAccountId(rest[0]?.id);
              setView(rest.length ? { kind: 'mailbox' } : { kind: 'add-account' });
              notify(`Removed ${account.email} from this computer.`);
            }}
          />
        ) : null}
      </nav>
      <Splitter
        label="Resize folders"
        value={panes.layout.folders}
        {...PANE_LIMITS.folders}
        onChange={(width) => panes.resize('folders', width)}
      />

      <main className="content">
        <div className="status">
          {sending ? (
            <SendStatus
              item={sending}
              onUndo={() => void undo(sending)}
              onRetry={() => void retry(sending)}
              onTrustCertificate={(certificate) =>
                void trustCertificate(sending.accountId, certificate).then(async (trusted) => {
                  if (trusted) await retry(sending);
                })
              }
            />
          ) : (
            <p role="status">{status}</p>
          )}
        </div>
        <AppNotices client={client} />
        {view.kind === 'account-settings' && account ? (
          <AccountSettings
            client={client}
            account={account}
            onSaved={(saved) => {
              setAccounts((list) => (list ?? []).map((a) => (a.id === saved.id ? saved : a)));
              setView({ kind: 'mailbox' });
              notify(`Saved the settings of ${saved.email}.`);
            }}
            onClose={() => setView({ kind: 'mailbox' })}
          />
        ) : view.kind === 'add-account' ? (
          <SetupWizard
            client={client}
            onSaved={(saved) => {
              setAccounts((list) => [...(list ?? []).filter((a) => a.id !== saved.id), saved]);
              setAccountId(saved.id);
              setView({ kind: 'mailbox' });
              notify(`Added ${saved.email}.`);
            }}
            onCancel={accounts?.length ? () => setView({ kind: 'mailbox' }) : undefined}
          />
        ) : view.kind === 'outbox' ? (
          <OutboxView
            client={client}
            onClose={() => setView({ kind: 'mailbox' })}
            onEdit={(draft) => {
              setAccountId(draft.accountId);
              notify('Message taken back from the outbox. It was not sent.');
              setView({ kind: 'compose', draft: draftFromOutgoing(draft) });
            }}
          />
        ) : view.kind === 'compose' && account ? (
          <Compose
            client={client}
            account={account}
            initial={view.draft}
            onQueued={(item) => {
              setView({ kind: 'mailbox' });
              setSending(item);
            }}
            onDiscard={() => setView({ kind: 'mailbox' })}
          />
        ) : account ? (
          <div className="mailbox">
            <section className="list-pane" aria-label={folderName}>
              <div className="toolbar">
                <h2 ref={listHeading} tabIndex={-1}>
                  {folderName}
                </h2>
                <button type="button" onClick={() => setView({ kind: 'compose', draft: EMPTY_DRAFT })}>
                  Compose
                </button>
                <button type="button" onClick={() => void checkNow()} disabled={loading}>
                  Refresh
                </button>
                <button type="button" onClick={() => setView({ kind: 'outbox' })}>
                  Outbox
                </button>
                <button type="button" className="help-button" aria-label="Keyboard shortcuts (?)" title="Keyboard shortcuts (?)" onClick={() => setHelpOpen(true)}>
                  ?
                </button>
              </div>
              {progress && (
                <p role="status" className="sync-progress">
                  Fetching messages: {progress.done.toLocaleString()} of {progress.total.toLocaleString()}
                </p>
              )}
              <form role="search" className="search" onSubmit={searchNow}>
                <label htmlFor={searchId}>Search</label>
                <input
                  ref={searchBox}
                  id={searchId}
                  type="search"
                  value={query}
                  onChange={(e) => setQuery(e.target.value)}
                  onKeyDown={onSearchKey}
                  placeholder="Search all folders"
                  autoComplete="off"
                  spellCheck={false}
                />
              </form>
              <p className="search-summary" aria-live="polite">
                {results ? searchSummary(results.length) : ''}
              </p>
              <ErrorAlert
                error={error ?? actionError}
                onTrustCertificate={(certificate) =>
                  void trustCertificate(account.id, certificate).then(async (trusted) => {
                    if (trusted) await Promise.all([refresh(), loadFolders()]);
                  })
                }
              />
              {isPasswordMissing(error) ? (
                <PasswordPrompt
                  client={client}
                  accountId={error.details.accountId}
                  onSaved={() => {
                    setError(undefined);
                    void Promise.all([refresh(), loadFolders()]);
                  }}
                />
              ) : null}
              {isSignInRequired(error) ? (
                <SignInPrompt
                  client={client}
                  accountId={error.details.accountId}
                  onSignedIn={() => {
                    setError(undefined);
                    void Promise.all([refresh(), loadFolders()]);
                  }}
                />
              ) : null}
              {results ? (
                <MessageList
                  messages={results}
                  folder={folderPath}
                  selected={opened && { folder: opened.folder, uid: opened.message.uid }}
                  onOpen={(m) => void open(m.uid, m.folder ?? folderPath)}
                  emptyText={null}
                  folderName={nameOf}
                  handle={listApi}
                  onSelectionChange={setChosen}
                  onSelectionAction={(action, rows) => void actOnChosen(action, rows)}
                />
              ) : (
                <>
                  <ListControls order={listOrder} onChange={setListOrder} />
                  {(loading || pages.loading) && messages.length === 0 ? <p>Loading…</p> : null}
                  <MessageList
                    key={`${account.id}\u0000${folderPath}\u0000${listOrder.sort}\u0000${listOrder.threads}`}
                    messages={messages}
                    folder={folderPath}
                    selected={opened && { folder: opened.folder, uid: opened.message.uid }}
                    onOpen={(m) => void open(m.uid, m.folder ?? folderPath)}
                    complete={pages.complete}
                    onEndReached={() => void pages.loadMore()}
                    loadThread={loadThread}
                    handle={listApi}
                    onSelectionChange={setChosen}
                    onSelectionAction={(action, rows) => void actOnChosen(action, rows)}
                  />
                </>
              )}
            </section>
            <Splitter
              label="Resize message list"
              value={panes.layout.list}
              {...PANE_LIMITS.list}
              onChange={(width) => panes.resize('list', width)}
            />
            <section className="reader-pane" aria-label="Reading pane">
              {opened && folders.find((f) => f.path === opened.folder)?.role === 'drafts' ? (
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
                  accountId={account.id}
                  onReply={() => setView({ kind: 'compose', draft: replyDraft(opened.message) })}
                  onReplyAll={() => setView({ kind: 'compose', draft: replyAllDraft(opened.message, [account.email]) })}
                  onForward={() => setView({ kind: 'compose', draft: forwardDraft(opened.message, opened.folder) })}
                  actions={{
                    folder: opened.folder,
                    folders,
                    onDelete: () => void removeOpened({ kind: 'delete' }),
                    onToggleRead: () => void setFlag('seen', opened.message.unread),
                    onToggleFlag: () => void setFlag('flagged', !opened.message.flagged),
                    onMove: (to) => void removeOpened({ kind: 'move', to }),
                  }}
                />
              ) : (
                <p className="empty">Select a message to read it.</p>
              )}
            </section>
          </div>
        ) : (
          <ErrorAlert error={error} />
        )}
      </main>
      {helpOpen ? <ShortcutsHelp onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}

function searchSummary(count: number): string {
  if (count === 0) return 'No messages found in any folder.';
  return `${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'} found in all folders.`;
}
