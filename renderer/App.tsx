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
import { AllInboxesButton, inboxesUnread, useEveryAccountsFolders } from './features/mailbox/AllInboxes.js';
import { actOnMessages, toggleFor } from './features/mailbox/bulk-actions.js';
import { ConfirmDeleteForGood } from './features/mailbox/ConfirmDeleteForGood.js';
import { RemovalStatus, removalText, useRemovalUndo } from './features/mailbox/removal-undo.js';
import { SyncFailedAlert } from './features/mailbox/SyncFailedAlert.js';
import { NewMailNotifications } from './features/notifications/NewMailNotifications.js';
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
/**
 * The message in the reader, the folder it was opened from (a search result's may be another),
 * and its account (in All inboxes, maybe not the one chosen).
 */
type Opened = { message: MessageDetail; folder: string; accountId: string };
/** How long typing pauses before the search box asks. */
export const SEARCH_DELAY_MS = 150;

export function App({ client }: { client: ContractClient }) {
  const [accounts, setAccounts] = useState<Account[]>();
  const [accountId, setAccountId] = useState<string>();
  // Each account's folders and the folder chosen in it (its Inbox until another is chosen).
  const [foldersByAccount, setFoldersByAccount] = useState<Record<string, Folder[]>>({});
  const [folderByAccount, setFolderByAccount] = useState<Record<string, string>>({});
  const [view, setView] = useState<View>({ kind: 'mailbox' });
  // All inboxes (every account's Inbox as one list) is shown instead of the chosen folder.
  const [allInboxes, setAllInboxes] = useState(false);
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
  const everyFolders = useEveryAccountsFolders(client, accounts ?? []);
  /** An account's folders: the chosen one's as loaded here, another's as All inboxes loaded them. */
  const foldersOf = (id: string) => (id === accountId ? folders : (everyFolders[id] ?? foldersByAccount[id] ?? []));
  const folderNameIn = (id: string, path: string) => (path === 'INBOX' ? 'Inbox' : (foldersOf(id).find((f) => f.path === path)?.name ?? path));
  const emailOf = (id: string) => accounts?.find((a) => a.id === id)?.email ?? id;
  /** Delete there deletes for good: inside Trash, or in an account without one (or whose folders are not known yet). */
  const deletesForGood = (id: string, path: string) => {
    const trash = foldersOf(id).find((f) => f.role === 'trash');
    return !trash || trash.path === path;
  };
  const listTitle = allInboxes ? 'All inboxes' : folderName;
  /** Whether a change to this account's folder concerns the list on screen. */
  const shown = useCallback(
    (id: string, path: string) => (allInboxes ? path === 'INBOX' : id === accountId && path === folderPath),
    [allInboxes, accountId, folderPath],
  );

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
    removals.dismiss();
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
    const reply = await client.invoke('drafts.open', { accountId: from.accountId, folder: from.folder, uid: from.message.uid });
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
  const pages = useMessagePages(client, accountId, folderPath, listOrder, setError, allInboxes);
  // Undo after Delete and Move; the confirmation before a delete for good.
  const removals = useRemovalUndo(client, setError);
  const [confirming, setConfirming] = useState<{ count: number; run: () => void }>();
  // A background sync of the list on screen failed (sync.failed): why, and Try again.
  const [syncFailure, setSyncFailure] = useState<{ accountId: string; error: AppErrorDto }>();
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
    // All inboxes: every account's Inbox; a failure is said for its account, the rest still come.
    const targets = allInboxes ? (accounts ?? []).map((a) => a.id) : [accountId];
    const replies = await Promise.all(targets.map((id) => client.invoke('folder.sync', { accountId: id, folder: allInboxes ? 'INBOX' : folderPath })));
    setLoading(false);
    const failed = replies.findIndex((r) => !r.ok);
    const reply = replies[failed];
    const failure = reply && !reply.ok ? reply.error : undefined;
    // An error with its own way out (trust the certificate, type the password, sign in) is shown
    // with it; any other as a failed sync, with Try again.
    if (failure && (failure.code === 'TLS_UNTRUSTED' || isPasswordMissing(failure) || isSignInRequired(failure))) return setError(failure);
    setSyncFailure(failure && { accountId: targets[failed]!, error: failure });
    await Promise.all([refresh(), loadFolders()]);
  }

  useEffect(() => {
    setOpened(undefined);
    setSyncFailure(undefined);
  }, [accountId, folderPath, allInboxes]);

  useEffect(() => {
    resetList();
    void refresh();
  }, [refresh, resetList]);

  // New mail pushed by the account's IDLE connection: the list and the counts catch up by themselves.
  useEffect(
    () =>
      client.on('mail.arrived', (arrival) => {
        if (arrival.accountId === accountId) void loadFolders();
        if (shown(arrival.accountId, arrival.folder)) void refresh();
      }),
    [client, accountId, shown, refresh, loadFolders],
  );

  // How far the chosen folder's sync has got, while messages are still streaming in.
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>();
  useEffect(() => {
    setProgress(undefined);
    const offProgress = client.on('sync.progressed', (p) => {
      if (!shown(p.accountId, p.folder)) return;
      setProgress(p.done < p.total ? { done: p.done, total: p.total } : undefined);
    });
    // A failed background sync of what is on screen: said, with Try again (the list keeps what it has).
    const offFailed = client.on('sync.failed', (f) => {
      if (shown(f.accountId, f.folder)) setSyncFailure({ accountId: f.accountId, error: f.error });
    });
    return () => {
      offProgress();
      offFailed();
    };
  }, [client, shown]);

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
      if (shown(change.accountId, change.folder)) void refresh();
      if (change.accountId === accountId && searchText) void search(searchText);
    });
    const offFolders = client.on('folders.changed', (change) => {
      if (change.accountId === accountId) void loadFolders();
    });
    return () => {
      offMessages();
      offFolders();
    };
  }, [client, accountId, shown, refresh, loadFolders, search, searchText]);

  // The server refused an action and it was undone: the person is told why it came back.
  useEffect(
    () =>
      client.on('action.failed', (failure) => {
        if (failure.accountId !== accountId && !allInboxes) return;
        setActionError({ ...failure.error, message: `The server refused a change, so it was undone: ${failure.error.message}` });
      }),
    [client, accountId, allInboxes],
  );

  // The reader follows the list's view of the open message (a flag set elsewhere, or rolled back).
  useEffect(() => {
    setOpened((o) => {
      if (!o) return o;
      const row =
        results?.find((r) => r.folder === o.folder && r.uid === o.message.uid) ??
        messages.find((m) => (m.accountId ?? accountId) === o.accountId && (m.folder ?? folderPath) === o.folder && m.uid === o.message.uid);
      if (!row || (row.unread === o.message.unread && row.flagged === o.message.flagged)) return o;
      return { ...o, message: { ...o.message, unread: row.unread, flagged: row.flagged } };
    });
  }, [messages, results, folderPath, accountId]);

  /** Opens a message from its own folder (the one listed, or a search result's) and account (All inboxes' row's). */
  async function open(uid: number, from: string = folderPath, inAccount: string | undefined = accountId) {
    if (!inAccount) return;
    setError(undefined);
    const reply = await client.invoke('message.open', { accountId: inAccount, folder: from, uid });
    if (!reply.ok) return setError(reply.error);
    setOpened({ message: reply.value, folder: from, accountId: inAccount });
    const isIt = (m: ListedMessage) => (m.accountId ?? accountId) === inAccount && (m.folder ?? folderPath) === from && m.uid === uid;
    const listed = messages.find(isIt);
    const found = inAccount === accountId ? results?.find((r) => r.folder === from && r.uid === uid) : undefined;
    if ((listed ?? found)?.unread) {
      setFoldersByAccount((all) => ({
        ...all,
        [inAccount]: (all[inAccount] ?? []).map((f) => (f.path === from ? { ...f, unread: Math.max(0, f.unread - 1) } : f)),
      }));
    }
    setMessages((list) => list.map((m) => (isIt(m) ? { ...m, unread: false } : m)));
    if (inAccount === accountId) setResults((list) => list?.map((r) => (r.folder === from && r.uid === uid ? { ...r, unread: false } : r)));
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
    if (!opened) return;
    const { folder: from, message, accountId: inAccount } = opened;
    setActionError(undefined);
    const change = on ? { add: [flag] } : { remove: [flag] };
    const reply = await client.invoke('messages.setFlags', { accountId: inAccount, folder: from, uids: [message.uid], ...change });
    if (!reply.ok) return setError(reply.error);
    const state = flag === 'seen' ? { unread: !on } : { flagged: on };
    setOpened((o) => (o && o.folder === from && o.message.uid === message.uid ? { ...o, message: { ...o.message, ...state } } : o));
  }

  /** Delete inside Trash deletes for good: asked first. Anywhere else it goes ahead (Undo follows). */
  function confirmIfForGood(count: number, forGood: boolean, run: () => Promise<void>) {
    if (!forGood) return void run();
    setConfirming({
      count,
      run: () => {
        setConfirming(undefined);
        void run();
      },
    });
  }

  /**
   * Delete (to Trash, or for good in Trash) and Move: the reader closes, messages.changed redraws
   * the list, and Undo is offered for a few seconds (not after a delete for good: that asked first).
   */
  function removeOpened(how: { kind: 'delete' } | { kind: 'move'; to: string }) {
    if (!opened) return;
    const { folder: from, message, accountId: inAccount } = opened;
    const forGood = how.kind === 'delete' && deletesForGood(inAccount, from);
    confirmIfForGood(1, forGood, async () => {
      setActionError(undefined);
      const target = { accountId: inAccount, folder: from, uids: [message.uid] };
      const reply = how.kind === 'delete' ? await client.invoke('messages.delete', target) : await client.invoke('messages.move', { ...target, to: how.to });
      if (!reply.ok) return setError(reply.error);
      focusListNext.current = true;
      setOpened((o) => (o && o.accountId === inAccount && o.folder === from && o.message.uid === message.uid ? undefined : o));
      if (forGood) return notify('Message deleted for good.');
      const to = how.kind === 'move' ? how.to : foldersOf(inAccount).find((f) => f.role === 'trash')!.path;
      offerUndo(1, [{ accountId: inAccount, actionId: reply.value.actionId }], folderNameIn(inAccount, to), folderNameIn(inAccount, from));
    });
  }

  function offerUndo(count: number, queued: { accountId: string; actionId: number }[], to: string, from: string) {
    setSending(undefined);
    setStatus('');
    removals.offer({ text: removalText(count, to), queued, count, from });
  }

  /** An action on the rows chosen in the list (two or more): a request per account and folder; main redraws. */
  function actOnChosen(action: SelectionAction, rows: readonly ListedMessage[] = chosen) {
    if (!accountId || rows.length === 0) return;
    const where = (m: ListedMessage) => ({ id: m.accountId ?? accountId, path: m.folder ?? folderPath });
    const forGood = action === 'delete' && rows.some((m) => deletesForGood(where(m).id, where(m).path));
    confirmIfForGood(rows.length, forGood, async () => {
      setActionError(undefined);
      const { error: failed, queued } = await actOnMessages(client, accountId, folderPath, rows, action);
      if (failed) return setError(failed);
      if (action !== 'delete') return;
      listApi.current?.clearSelection();
      if (opened && rows.some((m) => where(m).id === opened.accountId && where(m).path === opened.folder && m.uid === opened.message.uid)) {
        focusListNext.current = true;
        setOpened(undefined);
      }
      if (forGood) return notify(`${rows.length.toLocaleString()} messages deleted for good.`);
      const froms = new Set(rows.map((m) => folderNameIn(where(m).id, where(m).path)));
      const trashes = new Set(rows.map((m) => foldersOf(where(m).id).find((f) => f.role === 'trash')!.name));
      offerUndo(rows.length, queued, trashes.size === 1 ? [...trashes][0]! : 'Trash', froms.size === 1 ? [...froms][0]! : 'their folders');
    });
  }

  // The keyboard shortcuts (features/shortcuts): on the mailbox only, never while typing in a field.
  const several = chosen.length > 1;
  const compose = (draft: Draft | undefined) => (draft ? (setView({ kind: 'compose', draft }), true) : false);
  /** A reply or forward is written from the message's own account (in All inboxes, maybe not the chosen one). */
  const answer = (make: (message: MessageDetail, ownAddress: string) => Draft) => {
    if (!opened) return false;
    if (opened.accountId !== accountId) setAccountId(opened.accountId);
    return compose(make(opened.message, emailOf(opened.accountId)));
  };
  useShortcuts(
    {
      compose: () => compose(EMPTY_DRAFT),
      reply: () => answer((m) => replyDraft(m)),
      replyAll: () => answer((m, own) => replyAllDraft(m, [own])),
      forward: () => answer((m) => forwardDraft(m, opened?.folder)),
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
    view.kind === 'mailbox' && account !== undefined && !helpOpen && !confirming,
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
        {(accounts?.length ?? 0) > 1 ? (
          <AllInboxesButton
            unread={inboxesUnread(everyFolders)}
            current={allInboxes && view.kind === 'mailbox'}
            onSelect={() => {
              setAllInboxes(true);
              setQuery('');
              setView({ kind: 'mailbox' });
            }}
          />
        ) : null}
        <ul className="account-list">
          {(accounts ?? []).map((a) => (
            <li key={a.id}>
              <button
                type="button"
                aria-pressed={a.id === accountId}
                onClick={() => {
                  setAccountId(a.id);
                  setAllInboxes(false);
                  setView({ kind: 'mailbox' });
                }}
              >
                {a.email}
              </button>
              {a.id === accountId ? (
                <FolderList
                  folders={folders}
                  selectedPath={allInboxes ? '' : folderPath}
                  onSelect={(path) => {
                    setFolderByAccount((all) => ({ ...all, [a.id]: path }));
                    setAllInboxes(false);
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
        <NewMailNotifications client={client} accounts={accounts ?? []} />
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
          {removals.removal ? (
            <RemovalStatus
              removal={removals.removal}
              onUndo={() =>
                void removals.undo().then((text) => {
                  if (text) notify(text);
                })
              }
            />
          ) : sending ? (
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
              removals.dismiss();
              setSending(item);
            }}
            onDiscard={() => setView({ kind: 'mailbox' })}
          />
        ) : account ? (
          <div className="mailbox">
            <section className="list-pane" aria-label={listTitle}>
              <div className="toolbar">
                <h2 ref={listHeading} tabIndex={-1}>
                  {listTitle}
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
              {progress ? (
                <p role="status" className="sync-progress">
                  Fetching messages: {progress.done.toLocaleString()} of {progress.total.toLocaleString()}
                </p>
              ) : loading ? (
                <p role="status" className="sync-progress">
                  Checking {allInboxes ? 'every Inbox' : folderName} for new mail…
                </p>
              ) : null}
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
              {syncFailure && !error ? (
                <SyncFailedAlert
                  where={allInboxes ? `The Inbox of ${emailOf(syncFailure.accountId)}` : folderName}
                  error={syncFailure.error}
                  onRetry={() => void checkNow()}
                />
              ) : null}
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
                  {allInboxes ? null : <ListControls order={listOrder} onChange={setListOrder} />}
                  {(loading || pages.loading) && messages.length === 0 ? <p>Loading…</p> : null}
                  <MessageList
                    key={allInboxes ? 'all-inboxes' : `${account.id}\u0000${folderPath}\u0000${listOrder.sort}\u0000${listOrder.threads}`}
                    messages={messages}
                    folder={folderPath}
                    selected={opened && { folder: opened.folder, uid: opened.message.uid, accountId: allInboxes ? opened.accountId : undefined }}
                    onOpen={(m) => void open(m.uid, m.folder ?? folderPath, m.accountId ?? accountId)}
                    accountName={allInboxes ? emailOf : undefined}
                    complete={pages.complete}
                    onEndReached={() => void pages.loadMore()}
                    loadThread={allInboxes ? undefined : loadThread}
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
                  onReply={() => answer((m) => replyDraft(m))}
                  onReplyAll={() => answer((m, own) => replyAllDraft(m, [own]))}
                  onForward={() => answer((m) => forwardDraft(m, opened.folder))}
                  actions={{
                    folder: opened.folder,
                    folders: foldersOf(opened.accountId),
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
      {confirming ? <ConfirmDeleteForGood count={confirming.count} onConfirm={confirming.run} onCancel={() => setConfirming(undefined)} /> : null}
    </div>
  );
}

function searchSummary(count: number): string {
  if (count === 0) return 'No messages found in any folder.';
  return `${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'} found in all folders.`;
}
