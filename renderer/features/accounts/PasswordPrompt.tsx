import { useState, type KeyboardEvent } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Field } from '../../components/Field.js';

/** True for the error main gives when no password is stored for the account (accounts.setPassword fixes it). */
export function isPasswordMissing(error: AppErrorDto | undefined): error is AppErrorDto & { details: { accountId: string } } {
  return error?.details?.passwordMissing === 'true' && typeof error.details.accountId === 'string';
}

/**
 * Asks for an account's password again and keeps it (the keychain, or wherever secrets are kept
 * this session). A group, not a form: it may sit inside the composer's form.
 */
export function PasswordPrompt({ client, accountId, onSaved }: { client: ContractClient; accountId: string; onSaved: () => void }) {
  const [password, setPassword] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AppErrorDto>();

  async function save() {
    if (password === '' || saving) return;
    setSaving(true);
    setError(undefined);
    const reply = await client.invoke('accounts.setPassword', { accountId, password });
    setSaving(false);
    if (!reply.ok) return setError(reply.error);
    setPassword('');
    onSaved();
  }

  function onKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void save();
  }

  return (
    <div role="group" className="password-prompt" aria-label="Enter the password again">
      <Field label="Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} onKeyDown={onKey} autoComplete="current-password" />
      <ErrorAlert error={error} />
      <button type="button" onClick={() => void save()} disabled={saving || password === ''}>
        Save password
      </button>
    </div>
  );
}

/** True for the error main gives when an OAuth account must sign in again (accounts.signIn fixes it). */
export function isSignInRequired(error: AppErrorDto | undefined): error is AppErrorDto & { details: { accountId: string } } {
  return error?.details?.signInRequired === 'true' && typeof error.details.accountId === 'string';
}

/**
 * For an account that signs in with its provider (OAuth 2.0) whose tokens were withdrawn or
 * never got: signs in again through the system browser.
 */
export function SignInPrompt({ client, accountId, onSignedIn }: { client: ContractClient; accountId: string; onSignedIn: () => void }) {
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<AppErrorDto>();

  async function signIn() {
    setWaiting(true);
    setError(undefined);
    const reply = await client.invoke('accounts.signIn', { accountId });
    setWaiting(false);
    if (!reply.ok) return setError(reply.error);
    onSignedIn();
  }

  return (
    <div role="group" className="password-prompt" aria-label="Sign in again">
      {waiting ? <p role="status">Finish signing in in your browser…</p> : null}
      <ErrorAlert error={error} />
      <button type="button" onClick={() => void signIn()} disabled={waiting}>
        Sign in again
      </button>
    </div>
  );
}
