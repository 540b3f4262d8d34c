import { useId, useState, type FormEvent } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { OutboxItem } from '../../../shared/outbox.js';
import { identitiesOf, type Account } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Field, SelectField } from '../../components/Field.js';
import { isPasswordMissing, PasswordPrompt } from '../accounts/PasswordPrompt.js';
import { splitAddresses } from '../../format.js';
import type { Draft } from './reply-draft.js';

type Props = {
  client: ContractClient;
  account: Account;
  initial: Draft;
  /** The message is safely in the outbox; the rest of its journey shows in the status. */
  onQueued: (item: OutboxItem) => void;
  onDiscard: () => void;
};

export function Compose({ client, account, initial, onQueued, onDiscard }: Props) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [error, setError] = useState<AppErrorDto>();
  const [sending, setSending] = useState(false);
  const messageId = useId();
  const identities = identitiesOf(account);
  const [identityId, setIdentityId] = useState(identities[0]!.id);

  const set = (field: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [field]: e.target.value }));

  async function send(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    const reply = await client.invoke('mail.send', {
      accountId: account.id,
      to: splitAddresses(draft.to),
      cc: splitAddresses(draft.cc),
      bcc: splitAddresses(draft.bcc),
      subject: draft.subject,
      text: draft.text,
      inReplyTo: draft.inReplyTo,
      // Main sets From, Reply-To and the signature from it.
      // (An account stored without identities has only its implied one: main's default.)
      identityId: account.identities?.some((i) => i.id === identityId) ? identityId : undefined,
      references: draft.references,
    });
    setSending(false);
    if (reply.ok) onQueued(reply.value);
    else setError(reply.error);
  }

  return (
    <form className="compose" aria-label="New message" onSubmit={send}>
      <SelectField label="From" value={identityId} onChange={setIdentityId}>
        {identities.map((identity) => (
          <option key={identity.id} value={identity.id}>
            {identity.name} &lt;{identity.email}&gt;
          </option>
        ))}
      </SelectField>
      <Field label="To" value={draft.to} onChange={set('to')} autoComplete="off" />
      <Field label="Cc" value={draft.cc} onChange={set('cc')} autoComplete="off" />
      <Field label="Bcc" value={draft.bcc} onChange={set('bcc')} autoComplete="off" />
      <Field label="Subject" value={draft.subject} onChange={set('subject')} autoComplete="off" />
      <div className="field">
        <label htmlFor={messageId}>Message</label>
        <textarea id={messageId} value={draft.text} onChange={set('text')} rows={14} />
      </div>
      <ErrorAlert error={error} />
      {isPasswordMissing(error) ? <PasswordPrompt client={client} accountId={error.details.accountId} onSaved={() => setError(undefined)} /> : null}
      <div className="actions">
        <button type="submit" disabled={sending}>
          Send
        </button>
        <button type="button" onClick={onDiscard} disabled={sending}>
          Discard
        </button>
      </div>
    </form>
  );
}
