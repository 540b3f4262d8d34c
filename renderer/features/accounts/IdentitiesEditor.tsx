import { useEffect, useState, type FormEvent } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Identity, IdentityInput } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Field } from '../../components/Field.js';

type Editing = { kind: 'add' } | { kind: 'edit'; identity: Identity };

/**
 * Who an account sends as: its identities (the default first), each editable, with "Add
 * identity"; removing one asks first. Main keeps at least one (removing the last is refused).
 */
export function IdentitiesEditor({ client, accountId }: { client: ContractClient; accountId: string }) {
  const [identities, setIdentities] = useState<Identity[]>();
  const [editing, setEditing] = useState<Editing>();
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<AppErrorDto>();

  async function load() {
    const reply = await client.invoke('identities.list', { accountId });
    if (reply.ok) setIdentities(reply.value);
    else setError(reply.error);
  }

  useEffect(() => {
    void load();
  }, [accountId]);

  async function remove(identity: Identity) {
    setError(undefined);
    const reply = await client.invoke('identities.remove', { accountId, identityId: identity.id });
    setConfirming(undefined);
    if (!reply.ok) return setError(reply.error);
    if (editing?.kind === 'edit' && editing.identity.id === identity.id) setEditing(undefined);
    await load();
  }

  return (
    <section className="identities" aria-label="Identities">
      <h3>Identities</h3>
      {identities === undefined ? null : (
        <ul aria-label="Identities of this account">
          {identities.map((identity, index) => (
            <li key={identity.id}>
              <span>
                {identity.name} &lt;{identity.email}&gt;{index === 0 ? ' (default)' : ''}
              </span>{' '}
              <button type="button" aria-label={`Edit ${identity.email}`} onClick={() => setEditing({ kind: 'edit', identity })}>
                Edit
              </button>{' '}
              {confirming === identity.id ? (
                <span role="group" aria-label={`Confirm removing ${identity.email}`}>
                  Remove {identity.email}? Mail already sent is not touched.{' '}
                  <button type="button" onClick={() => void remove(identity)}>
                    Remove {identity.email}
                  </button>{' '}
                  <button type="button" onClick={() => setConfirming(undefined)}>
                    Keep identity
                  </button>
                </span>
              ) : (
                <button type="button" aria-label={`Remove identity ${identity.email}`} onClick={() => setConfirming(identity.id)}>
                  Remove identity
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={error} />
      {editing ? (
        <IdentityForm
          key={editing.kind === 'edit' ? editing.identity.id : 'new'}
          initial={editing.kind === 'edit' ? editing.identity : undefined}
          onCancel={() => setEditing(undefined)}
          onSave={async (identity) => {
            const reply =
              editing.kind === 'edit'
                ? await client.invoke('identities.update', { accountId, identityId: editing.identity.id, identity })
                : await client.invoke('identities.add', { accountId, identity });
            if (!reply.ok) return reply.error;
            setEditing(undefined);
            await load();
            return undefined;
          }}
        />
      ) : (
        <button type="button" onClick={() => setEditing({ kind: 'add' })}>
          Add identity
        </button>
      )}
    </section>
  );
}

/** One identity's fields; empty Reply-To and Signature are left out. */
function IdentityForm({
  initial,
  onSave,
  onCancel,
}: {
  initial?: Identity;
  onSave: (identity: IdentityInput) => Promise<AppErrorDto | undefined>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [email, setEmail] = useState(initial?.email ?? '');
  const [replyTo, setReplyTo] = useState(initial?.replyTo ?? '');
  const [signature, setSignature] = useState(initial?.signature ?? '');
  const [error, setError] = useState<AppErrorDto>();
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(
      await onSave({
        name,
        email,
        ...(replyTo.trim() ? { replyTo: replyTo.trim() } : {}),
        ...(signature.trim() ? { signature } : {}),
      }),
    );
    setSaving(false);
  }

  return (
    <form aria-label={initial ? `Identity ${initial.email}` : 'New identity'} onSubmit={submit}>
      <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required />
      <Field label="Email address" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      <Field label="Reply-To" type="email" value={replyTo} onChange={(e) => setReplyTo(e.target.value)} placeholder="Optional" />
      <div className="field">
        <label htmlFor={`signature-${initial?.id ?? 'new'}`}>Signature</label>
        <textarea id={`signature-${initial?.id ?? 'new'}`} rows={4} value={signature} onChange={(e) => setSignature(e.target.value)} />
      </div>
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" disabled={saving}>
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
