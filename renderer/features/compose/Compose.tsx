import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { Editor } from '@tiptap/react';
import type { ForwardedAttachment } from '../../../shared/compose.js';
import type { ContractClient } from '../../../shared/contract.js';
import type { DraftMessage } from '../../../shared/drafts.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { OutboxItem } from '../../../shared/outbox.js';
import { identitiesOf } from '../../../shared/identities.js';
import type { Account } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Field, SelectField } from '../../components/Field.js';
import { isPasswordMissing, PasswordPrompt } from '../accounts/PasswordPrompt.js';
import { splitAddresses } from '../../format.js';
import { AddressField } from './AddressField.js';
import { AttachmentReminder } from './AttachmentReminder.js';
import { forSending, formatSize, fromOutgoing, mentionsAttachment, readAttachments, type ComposerAttachment, type PickedFile } from './attachments.js';
import { composeTitle, type Draft, type ForwardedFile } from './reply-draft.js';
import { textToHtml } from './rich-text.js';
import { preferredFormat, rememberFormat, type Format } from './format-preference.js';

/** How long typing pauses before the draft is saved. */
export const AUTOSAVE_DELAY_MS = 2000;

type Props = {
  client: ContractClient;
  account: Account;
  initial: Draft;
  /** The message is safely in the outbox; the rest of its journey shows in the status. */
  onQueued: (item: OutboxItem) => void;
  onDiscard: () => void;
  /** Tests shorten the pause before a draft is saved. */
  autosaveDelayMs?: number;
  /** Tests take hold of the rich text editor (jsdom has no keyboard for it). */
  onEditorReady?: (editor: Editor) => void;
};

/** The rich text editor and the HTML-to-text conversion: a chunk of their own, loaded on first use (rich-text-editing.ts). */
const loadRichText = () => import('./rich-text-editing.js');
const RichTextEditor = lazy(() => loadRichText().then((m) => ({ default: m.RichTextEditor })));

/** The message's text, and its HTML when it is written as rich text (the text then derived from it, as it will go out). */
async function bodyOf(draft: Draft, format: Format): Promise<{ text: string; html?: string }> {
  if (format === 'plain') return { text: draft.text };
  // The editor keeps an empty paragraph after a closing list or quote, to type in: it does not go out.
  const html = (draft.html ?? '').replace(/(<p><\/p>)+$/, '');
  const { plainTextOf } = await loadRichText();
  return { text: plainTextOf(html), html };
}

/** How a message opens: rich when it has HTML; a new, empty one as the person last chose; else plain. */
function initialFormat(initial: Draft): Format {
  if (initial.html !== undefined) return 'rich';
  return initial.text.trim() === '' ? preferredFormat() : 'plain';
}

/** What the contract takes of a forwarded file: where it is, not its size. */
const forwardedRef = ({ folder, uid, index, filename }: ForwardedFile): ForwardedAttachment => ({ folder, uid, index, filename });

/** Recipients as typed, names kept (a draft keeps what the person wrote, half-typed or not). */
function typedRecipients(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** Now plus a day, at the next full hour, as a datetime-local input shows it (local time). */
function defaultSendAt(now = new Date()): string {
  const at = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  at.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export function Compose({ client, account, initial, onQueued, onDiscard, autosaveDelayMs = AUTOSAVE_DELAY_MS, onEditorReady }: Props) {
  const [format, setFormat] = useState<Format>(() => initialFormat(initial));
  const [draft, setDraft] = useState<Draft>(() => (format === 'rich' && initial.html === undefined ? { ...initial, html: textToHtml(initial.text) } : initial));
  const [attachments, setAttachments] = useState<ComposerAttachment[]>(() => (initial.attachments ?? []).map(fromOutgoing));
  const [forwarded, setForwarded] = useState<ForwardedFile[]>(() => initial.forwarded ?? []);
  const [attachError, setAttachError] = useState<string>();
  const [error, setError] = useState<AppErrorDto>();
  const [sending, setSending] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [reminder, setReminder] = useState<{ sendAt?: string }>();
  const [laterOpen, setLaterOpen] = useState(false);
  const [sendAt, setSendAt] = useState(defaultSendAt);
  const [laterError, setLaterError] = useState<string>();
  const [savedNote, setSavedNote] = useState('');
  const messageId = useId();
  const messageLabelId = useId();
  const formatName = useId();
  const formatLabelId = useId();
  const sendAtId = useId();
  const headingId = useId();
  // Read once: what the message answers does not change while it is written.
  const [title] = useState(() => composeTitle(initial));
  const fileInput = useRef<HTMLInputElement>(null);
  const identities = identitiesOf(account);
  const [identityId, setIdentityId] = useState(
    initial.identityId && identities.some((i) => i.id === initial.identityId) ? initial.identityId : identities[0]!.id,
  );

  // The draft's autosave: what changed since the last save, the id of the saved copy, and the
  // save under way (saves go one after another, so a composition never makes two drafts).
  const dirty = useRef(false);
  const finished = useRef(false);
  const draftId = useRef<string | undefined>(initial.draftId);
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const latest = useRef({ draft, attachments, identityId, format, forwarded });
  latest.current = { draft, attachments, identityId, format, forwarded };

  const chosenIdentity = (id: string) => (account.identities?.some((i) => i.id === id) ? id : undefined);

  const saveDraft = useCallback((): Promise<unknown> => {
    if (!dirty.current || finished.current) return saving.current;
    dirty.current = false;
    const { draft: d, attachments: files, identityId: who, format: fmt, forwarded: fwd } = latest.current;
    const message = (body: { text: string; html?: string }): DraftMessage => ({
      accountId: account.id,
      identityId: account.identities?.some((i) => i.id === who) ? who : undefined,
      to: typedRecipients(d.to),
      cc: typedRecipients(d.cc),
      bcc: typedRecipients(d.bcc),
      subject: d.subject.replace(/[\r\n]+/g, ' '),
      ...body,
      attachments: files.map(forSending),
      ...(fwd.length ? { forwarded: fwd.map(forwardedRef) } : {}),
      inReplyTo: d.inReplyTo,
      references: d.references,
    });
    saving.current = saving.current
      .then(async () => client.invoke('drafts.save', { draftId: draftId.current, message: message(await bodyOf(d, fmt)) }))
      .then((reply) => {
        if (reply.ok) {
          draftId.current = reply.value.draftId;
          if (!finished.current) setSavedNote(`Draft saved at ${new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}.`);
        } else if (reply.error.code === 'NOT_FOUND' && draftId.current && !finished.current) {
          // Main no longer knows the draft (the app restarted): it is saved as a new one.
          draftId.current = undefined;
          dirty.current = true;
          void saveDraft();
        } else if (!finished.current) {
          setSavedNote(`The draft could not be saved: ${reply.error.message}`);
        }
      })
      .catch(() => {});
    return saving.current;
  }, [client, account]);

  // Saved once typing pauses.
  useEffect(() => {
    if (!dirty.current) return;
    const timer = setTimeout(() => void saveDraft(), autosaveDelayMs);
    return () => clearTimeout(timer);
  }, [draft, attachments, forwarded, format, identityId, autosaveDelayMs, saveDraft]);

  // And when the composer closes with changes not saved yet (not after Send or Discard).
  useEffect(
    () => () => {
      if (!finished.current && dirty.current) void saveDraft();
    },
    [saveDraft],
  );

  const changed = () => {
    dirty.current = true;
  };

  const set = (field: 'to' | 'cc' | 'bcc' | 'subject' | 'text') => (value: string) => {
    changed();
    setDraft((d) => ({ ...d, [field]: value }));
  };

  async function attach(files: readonly PickedFile[]) {
    if (files.length === 0) return;
    const { added, error: tooLarge } = await readAttachments(files, [...latest.current.attachments, ...latest.current.forwarded]);
    setAttachError(tooLarge);
    if (added.length) {
      changed();
      setAttachments((list) => [...list, ...added]);
    }
  }

  function remove(index: number) {
    changed();
    setAttachError(undefined);
    setAttachments((list) => list.filter((_, i) => i !== index));
  }

  function removeForwarded(index: number) {
    changed();
    setAttachError(undefined);
    setForwarded((list) => list.filter((_, i) => i !== index));
  }

  /** Rich to plain: the text the message would go out with. Plain to rich: each line a paragraph, quotes as quotes. */
  async function switchFormat(next: Format) {
    if (next === format) return;
    rememberFormat(next);
    if (next === 'rich') {
      changed();
      setDraft((d) => ({ ...d, html: textToHtml(d.text) }));
      setFormat('rich');
      return;
    }
    const { plainTextOf } = await loadRichText();
    changed();
    setDraft((d) => ({ ...d, text: plainTextOf(d.html ?? ''), html: undefined }));
    setFormat('plain');
  }

  /** The saved draft goes once the message is sent or thrown away (after a save still under way). */
  function dropSavedDraft() {
    finished.current = true;
    void saving.current.then(() => {
      if (draftId.current) void client.invoke('drafts.discard', { draftId: draftId.current, accountId: account.id }).catch(() => {});
    });
  }

  async function send(at?: string) {
    setReminder(undefined);
    setSending(true);
    setError(undefined);
    const body = await bodyOf(draft, format);
    const reply = await client.invoke('mail.send', {
      accountId: account.id,
      to: splitAddresses(draft.to),
      cc: splitAddresses(draft.cc),
      bcc: splitAddresses(draft.bcc),
      subject: draft.subject,
      ...body,
      inReplyTo: draft.inReplyTo,
      // Main sets From, Reply-To and the signature from it.
      // (An account stored without identities has only its implied one: main's default.)
      identityId: chosenIdentity(identityId),
      references: draft.references,
      ...(attachments.length ? { attachments: attachments.map(forSending) } : {}),
      ...(forwarded.length ? { forwarded: forwarded.map(forwardedRef) } : {}),
      ...(at ? { sendAt: at } : {}),
    });
    setSending(false);
    if (reply.ok) {
      dropSavedDraft();
      onQueued(reply.value);
    } else setError(reply.error);
  }

  /** Send (or schedule): first asks when the text speaks of an attachment and none is attached. */
  async function trySend(at?: string) {
    const { text } = await bodyOf(draft, format);
    if (attachments.length === 0 && forwarded.length === 0 && mentionsAttachment(text)) setReminder({ sendAt: at });
    else void send(at);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void trySend();
  }

  function schedule() {
    const when = new Date(sendAt);
    if (!sendAt || Number.isNaN(when.getTime())) return setLaterError('Choose a date and time to send at.');
    if (when.getTime() <= Date.now()) return setLaterError('Choose a time in the future.');
    setLaterError(undefined);
    void trySend(when.toISOString());
  }

  function discard() {
    dropSavedDraft();
    onDiscard();
  }

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');

  return (
    <form
      className={dragging ? 'compose dragging' : 'compose'}
      aria-labelledby={headingId}
      onSubmit={onSubmit}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setDragging(false);
        void attach(Array.from(event.dataTransfer.files));
      }}
    >
      <h2 id={headingId}>{title}</h2>
      <SelectField
        label="From"
        value={identityId}
        onChange={(id) => {
          changed();
          setIdentityId(id);
        }}
      >
        {identities.map((identity) => (
          <option key={identity.id} value={identity.id}>
            {identity.name} &lt;{identity.email}&gt;
          </option>
        ))}
      </SelectField>
      <AddressField client={client} label="To" value={draft.to} onChange={set('to')} />
      <AddressField client={client} label="Cc" value={draft.cc} onChange={set('cc')} />
      <AddressField client={client} label="Bcc" value={draft.bcc} onChange={set('bcc')} />
      <Field label="Subject" value={draft.subject} onChange={(e) => set('subject')(e.target.value)} autoComplete="off" />
      <div role="radiogroup" aria-labelledby={formatLabelId} className="format-switch">
        <span id={formatLabelId}>Format</span>
        <label>
          <input type="radio" name={formatName} checked={format === 'rich'} onChange={() => void switchFormat('rich')} /> Rich text
        </label>
        <label>
          <input type="radio" name={formatName} checked={format === 'plain'} onChange={() => void switchFormat('plain')} /> Plain text
        </label>
      </div>
      {format === 'rich' ? (
        <div className="field">
          <span id={messageLabelId} className="field-label">
            Message
          </span>
          <Suspense fallback={<p className="hint">Loading the editor…</p>}>
            <RichTextEditor
              initialHtml={draft.html ?? ''}
              labelledBy={messageLabelId}
              onReady={onEditorReady}
              onChange={(html) => {
                changed();
                setDraft((d) => ({ ...d, html }));
              }}
            />
          </Suspense>
        </div>
      ) : (
        <div className="field">
          <label htmlFor={messageId}>Message</label>
          <textarea id={messageId} value={draft.text} onChange={(e) => set('text')(e.target.value)} rows={14} />
        </div>
      )}
      <div className="attachments">
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            void attach(files);
          }}
        />
        <button type="button" onClick={() => fileInput.current?.click()}>
          Attach files
        </button>
        <span className="hint">or drop files here</span>
        {attachments.length || forwarded.length ? (
          <ul aria-label="Attachments" className="attachment-list">
            {attachments.map((a, i) => (
              <li key={`${i}-${a.filename}`}>
                <span className="attachment-name">{a.filename}</span> <span className="attachment-size">{formatSize(a.size)}</span>{' '}
                <button type="button" onClick={() => remove(i)} aria-label={`Remove ${a.filename}`}>
                  Remove
                </button>
              </li>
            ))}
            {forwarded.map((a, i) => (
              <li key={`fwd-${a.index}-${a.uid}-${a.folder}`}>
                <span className="attachment-name">{a.filename ?? 'attachment'}</span> <span className="attachment-size">{formatSize(a.size)}</span>{' '}
                <span className="hint">(from the forwarded message)</span>{' '}
                <button type="button" onClick={() => removeForwarded(i)} aria-label={`Remove ${a.filename ?? 'attachment'}`}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {attachError ? (
          <div role="alert" className="error-alert">
            <p>{attachError}</p>
          </div>
        ) : null}
      </div>
      <ErrorAlert error={error} />
      {isPasswordMissing(error) ? <PasswordPrompt client={client} accountId={error.details.accountId} onSaved={() => setError(undefined)} /> : null}
      {laterOpen ? (
        <fieldset className="send-later">
          <legend>Send later</legend>
          <div className="field">
            <label htmlFor={sendAtId}>Send at</label>
            <input id={sendAtId} type="datetime-local" value={sendAt} onChange={(e) => setSendAt(e.target.value)} />
          </div>
          {laterError ? (
            <div role="alert" className="error-alert">
              <p>{laterError}</p>
            </div>
          ) : null}
          <div className="actions">
            <button type="button" onClick={schedule} disabled={sending}>
              Schedule send
            </button>
            <button type="button" onClick={() => setLaterOpen(false)}>
              Cancel send later
            </button>
          </div>
        </fieldset>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={sending}>
          Send
        </button>
        <button type="button" onClick={() => setLaterOpen((o) => !o)} aria-expanded={laterOpen} disabled={sending}>
          Send later
        </button>
        <button type="button" onClick={discard} disabled={sending}>
          Discard
        </button>
      </div>
      <p className="draft-saved" aria-live="polite">
        {savedNote}
      </p>
      {reminder ? (
        <AttachmentReminder
          onSendAnyway={() => void send(reminder.sendAt)}
          onAttach={() => {
            setReminder(undefined);
            fileInput.current?.click();
          }}
          onClose={() => setReminder(undefined)}
        />
      ) : null}
    </form>
  );
}

