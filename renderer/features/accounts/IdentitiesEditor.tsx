import { useCallback, useEffect, useId, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Identity, IdentityInput } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Field } from '../../components/Field.js';

/** The identity being added or edited, as its fields stand. */
type Editing = { kind: 'add' } | { kind: 'edit'; identity: Identity };
type IdentityFields = { name: string; email: string; replyTo: string; signature: string };

const fieldsOf = (identity?: Identity): IdentityFields => ({
  name: identity?.name ?? '',
  email: identity?.email ?? '',
  replyTo: identity?.replyTo ?? '',
  signature: identity?.signature ?? '',
});

/** Empty Reply-To and Signature are left out. */
const inputOf = ({ name, email, replyTo, signature }: IdentityFields): IdentityInput => ({
  name,
  email,
  ...(replyTo.trim() ? { replyTo: replyTo.trim() } : {}),
  ...(signature.trim() ? { signature } : {}),
});

/**
 * An account's identities as its settings page edits them: the list (read with identities.list),
 * the one identity open to add or edit, whose fields the page's one Save keeps (`savePending`),
 * and removal, which asks first and is done at once. Main keeps at least one identity.
 */
export function useIdentities(client: ContractClient, accountId: string) {
  const [identities, setIdentities] = useState<Identity[]>();
  const [editing, setEditing] = useState<Editing>();
  const [fields, setFields] = useState<IdentityFields>(fieldsOf());
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<AppErrorDto>();
  const [editError, setEditError] = useState<AppErrorDto>();

  const load = useCallback(async () => {
    const reply = await client.invoke('identities.list', { accountId });
    if (reply.ok) setIdentities(reply.value);
    else setError(reply.error);
  }, [client, accountId]);

  useEffect(() => {
    void load();
  }, [load]);

  function open(next: Editing | undefined) {
    setEditing(next);
    setFields(fieldsOf(next?.kind === 'edit' ? next.identity : undefined));
    setEditError(undefined);
  }

  return {
    identities,
    editing,
    fields,
    confirming,
    error,
    editError,
    add: () => open({ kind: 'add' }),
    edit: (identity: Identity) => open({ kind: 'edit', identity }),
    /** Leaves the identity open without keeping its fields. */
    close: () => open(undefined),
    set: (field: keyof IdentityFields, value: string) => setFields((now) => ({ ...now, [field]: value })),
    confirmRemoving: setConfirming,
    async remove(identity: Identity) {
      setError(undefined);
      const reply = await client.invoke('identities.remove', { accountId, identityId: identity.id });
      setConfirming(undefined);
      if (!reply.ok) return setError(reply.error);
      if (editing?.kind === 'edit' && editing.identity.id === identity.id) open(undefined);
      await load();
    },
    /**
     * Keeps the open identity (identities.add or identities.update), if one is open: true when
     * there was none or it was kept; false, with the refusal shown in its fields, when it was not.
     */
    async savePending(): Promise<boolean> {
      if (!editing) return true;
      setEditError(undefined);
      const identity = inputOf(fields);
      const reply =
        editing.kind === 'edit'
          ? await client.invoke('identities.update', { accountId, identityId: editing.identity.id, identity })
          : await client.invoke('identities.add', { accountId, identity });
      if (!reply.ok) {
        setEditError(reply.error);
        return false;
      }
      open(undefined);
      await load();
      return true;
    },
  };
}

export type IdentitiesModel = ReturnType<typeof useIdentities>;

/**
 * Who an account sends as, inside the account's settings form: its identities (the default
 * first), each with Edit and Remove identity (which asks first), and Add identity. The identity
 * opened is kept by the form's own Save, with the rest of the settings; there is no second Save.
 */
export function IdentitiesEditor({ model }: { model: IdentitiesModel }) {
  const { identities, editing, confirming } = model;
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
              <button type="button" aria-label={`Edit ${identity.email}`} onClick={() => model.edit(identity)}>
                Edit
              </button>{' '}
              {confirming === identity.id ? (
                <span role="group" aria-label={`Confirm removing ${identity.email}`}>
                  Remove {identity.email}? Mail already sent is not touched.{' '}
                  <button type="button" onClick={() => void model.remove(identity)}>
                    Remove {identity.email}
                  </button>{' '}
                  <button type="button" onClick={() => model.confirmRemoving(undefined)}>
                    Keep identity
                  </button>
                </span>
              ) : (
                <button type="button" aria-label={`Remove identity ${identity.email}`} onClick={() => model.confirmRemoving(identity.id)}>
                  Remove identity
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={model.error} />
      {editing ? (
        <IdentityFieldset key={editing.kind === 'edit' ? editing.identity.id : 'new'} model={model} />
      ) : (
        <button type="button" onClick={model.add}>
          Add identity
        </button>
      )}
    </section>
  );
}

/**
 * The open identity's fields, a group named and headed as what it is ("New identity", or
 * "Identity support@example.test"); the form's Save keeps it, "Discard identity changes" closes it.
 */
function IdentityFieldset({ model }: { model: IdentitiesModel }) {
  const { editing, fields } = model;
  const headingId = useId();
  const signatureId = useId();
  const title = editing?.kind === 'edit' ? `Identity ${editing.identity.email}` : 'New identity';
  return (
    <div role="group" className="identity-fields" aria-labelledby={headingId}>
      <h4 id={headingId}>{title}</h4>
      <p className="hint">Save at the end of the page keeps it with the account’s settings.</p>
      <Field label="Name" value={fields.name} onChange={(e) => model.set('name', e.target.value)} required />
      <Field label="Email address" type="email" value={fields.email} onChange={(e) => model.set('email', e.target.value)} required />
      <Field label="Reply-To" type="email" value={fields.replyTo} onChange={(e) => model.set('replyTo', e.target.value)} placeholder="Optional" />
      <div className="field">
        <label htmlFor={signatureId}>Signature</label>
        <textarea id={signatureId} rows={4} value={fields.signature} onChange={(e) => model.set('signature', e.target.value)} />
      </div>
      <ErrorAlert error={model.editError} />
      <div className="actions">
        <button type="button" onClick={model.close}>
          {editing?.kind === 'edit' ? 'Discard identity changes' : 'Discard new identity'}
        </button>
      </div>
    </div>
  );
}
