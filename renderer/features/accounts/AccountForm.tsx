import { useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account, IncomingProtocol, Pop3Security, Security, SmtpSecurity } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { CheckboxField, Field, SelectField } from '../../components/Field.js';
import { accountSettingsOf, EMPTY_ACCOUNT_FORM, type AccountFormValues } from './account-form-values.js';
import { NameEmailPasswordFields } from './NameEmailPasswordFields.js';
import { defaultPort, isDefaultPort } from './default-ports.js';

type Props = {
  client: ContractClient;
  onSaved: (account: Account) => void;
  onCancel?: () => void;
  /** Values to start from (the setup wizard's found settings, or what was typed before); the rest blank. */
  initial?: Partial<AccountFormValues>;
  /** The form's heading; "Add account" unless given. */
  title?: string;
  /**
   * Shown under the heading, inside the form (the wizard's account of what it found); given the
   * values as they stand when it is a function (what was found may no longer be what is entered).
   */
  children?: ReactNode | ((values: AccountFormValues) => ReactNode);
  /** More buttons beside Save (the wizard's "Check again" and "Set up manually"), given the values as they stand. */
  extraActions?: ReactNode | ((values: AccountFormValues) => ReactNode);
  /**
   * Edit this kept account (accounts.update) instead of adding one: no password field (the
   * password is changed elsewhere), and the SMTP method and any trusted certificates stay.
   */
  editing?: Account;
  /**
   * What Save says (in an alert) when the password is empty; the default asks for it. The
   * wizard's review of a provider that signs in with the browser points to that instead.
   */
  missingPassword?: string;
  /** The password may be left empty here (another way to sign in is offered): not marked as required. */
  passwordOptional?: boolean;
  /** More of the same form under the servers, above Save (the settings page's identities): one form, one Save. */
  more?: ReactNode;
  /**
   * Asked first when Save is pressed (the settings page keeps the identity being edited): false
   * stops the save there, the reason shown where it arose.
   */
  beforeSave?: () => Promise<boolean>;
};

/** Account settings: who you are, where mail comes from and where it goes; blank (manual) or prefilled. */
export function AccountForm({
  client,
  onSaved,
  onCancel,
  initial,
  title = 'Add account',
  children,
  extraActions,
  editing,
  missingPassword,
  passwordOptional = false,
  more,
  beforeSave,
}: Props) {
  const [values, setValues] = useState<AccountFormValues>(() => ({ ...EMPTY_ACCOUNT_FORM, ...initial }));
  const [error, setError] = useState<AppErrorDto>();
  const [saving, setSaving] = useState(false);
  const passwordField = useRef<HTMLInputElement>(null);
  const { email, password, username, incoming, imapSecurity, imapPort, pop3Security, pop3Port, leaveOnServer, deleteWhenDeletedLocally, smtpSecurity, smtpPort } = values;

  /** Sets one field (a changed field keeps the others as they are). */
  function set<K extends keyof AccountFormValues>(key: K, value: AccountFormValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
  }
  const text = (key: { [K in keyof AccountFormValues]: AccountFormValues[K] extends string ? K : never }[keyof AccountFormValues]) => ({
    value: values[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set(key, e.target.value),
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Said in an alert, not left to the browser's bubble: the password is the one field that
    // may be empty on purpose (a provider that signs in with the browser), so the form says why.
    if (!editing && password === '') {
      setError({ code: 'INVALID_ARGUMENT', message: missingPassword ?? `Enter the password${email.trim() ? ` for ${email.trim()}` : ''}.` });
      passwordField.current?.focus();
      return;
    }
    setSaving(true);
    setError(undefined);
    if (beforeSave && !(await beforeSave())) return setSaving(false);
    const settings = accountSettingsOf(values, editing?.smtp.authMethod);
    const reply = editing
      ? await client.invoke('accounts.update', { accountId: editing.id, changes: settings })
      : await client.invoke('accounts.add', { ...settings, password });
    setSaving(false);
    if (reply.ok) onSaved(reply.value);
    else setError(reply.error);
  }

  // Follow the standard port when the security changes, unless the person typed their own.
  function changeImapSecurity(next: Security) {
    set('imapSecurity', next);
    if (isDefaultPort('imap', Number(imapPort))) set('imapPort', String(defaultPort('imap', next)));
  }

  function changePop3Security(next: Pop3Security) {
    set('pop3Security', next);
    if (isDefaultPort('pop3', Number(pop3Port))) set('pop3Port', String(defaultPort('pop3', next)));
  }

  function changeSmtpSecurity(next: SmtpSecurity) {
    set('smtpSecurity', next);
    if (isDefaultPort('smtp', Number(smtpPort))) set('smtpPort', String(defaultPort('smtp', next)));
  }

  return (
    <form className="account-form" aria-label="Account settings" onSubmit={submit}>
      <h2>{title}</h2>
      {typeof children === 'function' ? children(values) : children}
      <NameEmailPasswordFields values={values} onChange={set} withoutPassword={editing !== undefined} passwordRef={passwordField} passwordRequired={!passwordOptional} />
      <Field
        label="User name"
        {...text('username')}
        placeholder="Your email address"
        autoComplete="username"
        spellCheck={false}
      />
      <fieldset>
        <legend>Incoming mail</legend>
        <SelectField label="Incoming protocol" value={incoming} onChange={(v) => set('incoming', v as IncomingProtocol)}>
          <option value="imap">IMAP</option>
          <option value="pop3">POP3</option>
        </SelectField>
        {incoming === 'imap' ? (
          <>
            <Field label="IMAP server" {...text('imapHost')} required />
            <SelectField label="IMAP security" value={imapSecurity} onChange={(v) => changeImapSecurity(v as Security)}>
              <option value="tls">SSL/TLS</option>
              <option value="starttls">STARTTLS</option>
            </SelectField>
            <Field label="IMAP port" inputMode="numeric" {...text('imapPort')} required />
          </>
        ) : (
          <>
            <Field label="POP3 server" {...text('pop3Host')} required />
            <SelectField label="POP3 security" value={pop3Security} onChange={(v) => changePop3Security(v as Pop3Security)}>
              <option value="tls">SSL/TLS</option>
              <option value="starttls">STARTTLS</option>
              <option value="none">No encryption</option>
            </SelectField>
            {pop3Security === 'none' ? (
              <p role="note" className="warning-note">
                Without encryption your password and mail cross the network readable by anyone on the way.
              </p>
            ) : null}
            <Field label="POP3 port" inputMode="numeric" {...text('pop3Port')} required />
            <CheckboxField label="Leave messages on server" checked={leaveOnServer} onChange={(v) => set('leaveOnServer', v)} />
            {leaveOnServer ? (
              <>
                <Field
                  label="Delete from server after (days)"
                  inputMode="numeric"
                  placeholder="Never"
                  {...text('deleteAfterDays')}
                />
                <CheckboxField
                  label="Delete from server when deleted here"
                  checked={deleteWhenDeletedLocally}
                  onChange={(v) => set('deleteWhenDeletedLocally', v)}
                />
              </>
            ) : (
              <p role="note">Each message is deleted from the server once it is safely on this computer.</p>
            )}
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>Outgoing mail (SMTP)</legend>
        <Field label="SMTP server" {...text('smtpHost')} required />
        <SelectField label="SMTP security" value={smtpSecurity} onChange={(v) => changeSmtpSecurity(v as SmtpSecurity)}>
          <option value="starttls">STARTTLS</option>
          <option value="tls">SSL/TLS</option>
          <option value="none">No encryption</option>
        </SelectField>
        {smtpSecurity === 'none' ? (
          <p role="note" className="warning-note">
            Without encryption your password and mail cross the network readable by anyone on the way. Choose this
            only for a server that offers nothing else, such as a relay on your own network.
          </p>
        ) : null}
        <Field label="SMTP port" inputMode="numeric" {...text('smtpPort')} required />
        <Field
          label="SMTP user name"
          {...text('smtpUsername')}
          placeholder={username.trim() || email.trim() || 'As the user name above'}
          autoComplete="off"
          spellCheck={false}
        />
      </fieldset>
      {more}
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" disabled={saving}>
          Save
        </button>
        {typeof extraActions === 'function' ? extraActions(values) : extraActions}
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
