import { useState, type FormEvent, type ReactNode } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account, IncomingProtocol, Pop3Security, Security, SmtpSecurity } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { CheckboxField, Field, SelectField } from '../../components/Field.js';
import { accountSettingsOf, EMPTY_ACCOUNT_FORM, type AccountFormValues } from './account-form-values.js';
import { defaultPort, isDefaultPort } from './default-ports.js';

type Props = {
  client: ContractClient;
  onSaved: (account: Account) => void;
  onCancel?: () => void;
  /** Values to start from (the setup wizard's found settings, or what was typed before); the rest blank. */
  initial?: Partial<AccountFormValues>;
  /** The form's heading; "Add account" unless given. */
  title?: string;
  /** Shown under the heading, inside the form (the wizard's account of what it found). */
  children?: ReactNode;
  /** More buttons beside Save (the wizard's "Check again" and "Set up manually"), given the values as they stand. */
  extraActions?: ReactNode | ((values: AccountFormValues) => ReactNode);
  /**
   * Edit this kept account (accounts.update) instead of adding one: no password field (the
   * password is changed elsewhere), and the SMTP method and any trusted certificates stay.
   */
  editing?: Account;
};

/** Account settings: who you are, where mail comes from and where it goes; blank (manual) or prefilled. */
export function AccountForm({ client, onSaved, onCancel, initial, title = 'Add account', children, extraActions, editing }: Props) {
  const [start] = useState<AccountFormValues>(() => ({ ...EMPTY_ACCOUNT_FORM, ...initial }));
  const [name, setName] = useState(start.name);
  const [email, setEmail] = useState(start.email);
  const [password, setPassword] = useState(start.password);
  const [username, setUsername] = useState(start.username);
  const [incoming, setIncoming] = useState<IncomingProtocol>(start.incoming);
  const [pop3Host, setPop3Host] = useState(start.pop3Host);
  const [pop3Security, setPop3Security] = useState<Pop3Security>(start.pop3Security);
  const [pop3Port, setPop3Port] = useState(start.pop3Port);
  const [leaveOnServer, setLeaveOnServer] = useState(start.leaveOnServer);
  const [deleteAfterDays, setDeleteAfterDays] = useState(start.deleteAfterDays);
  const [deleteWhenDeletedLocally, setDeleteWhenDeletedLocally] = useState(start.deleteWhenDeletedLocally);
  const [imapHost, setImapHost] = useState(start.imapHost);
  const [imapSecurity, setImapSecurity] = useState<Security>(start.imapSecurity);
  const [imapPort, setImapPort] = useState(start.imapPort);
  const [smtpHost, setSmtpHost] = useState(start.smtpHost);
  const [smtpSecurity, setSmtpSecurity] = useState<SmtpSecurity>(start.smtpSecurity);
  const [smtpPort, setSmtpPort] = useState(start.smtpPort);
  const [error, setError] = useState<AppErrorDto>();
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    const values: AccountFormValues = {
      name, email, password, username, incoming,
      imapHost, imapPort, imapSecurity,
      pop3Host, pop3Port, pop3Security, leaveOnServer, deleteAfterDays, deleteWhenDeletedLocally,
      smtpHost, smtpPort, smtpSecurity,
    };
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
    setImapSecurity(next);
    if (isDefaultPort('imap', Number(imapPort))) setImapPort(String(defaultPort('imap', next)));
  }

  function changePop3Security(next: Pop3Security) {
    setPop3Security(next);
    if (isDefaultPort('pop3', Number(pop3Port))) setPop3Port(String(defaultPort('pop3', next)));
  }

  function changeSmtpSecurity(next: SmtpSecurity) {
    setSmtpSecurity(next);
    if (isDefaultPort('smtp', Number(smtpPort))) setSmtpPort(String(defaultPort('smtp', next)));
  }

  return (
    <form className="account-form" aria-label="Account settings" onSubmit={submit}>
      <h2>{title}</h2>
      {children}
      <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
      <Field
        label="Email address"
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        autoComplete="email"
        required
      />
      {editing ? null : (
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          required
        />
      )}
      <Field
        label="User name"
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        placeholder="Your email address"
        autoComplete="username"
        spellCheck={false}
      />
      <fieldset>
        <legend>Incoming mail</legend>
        <SelectField label="Incoming protocol" value={incoming} onChange={(v) => setIncoming(v as IncomingProtocol)}>
          <option value="imap">IMAP</option>
          <option value="pop3">POP3</option>
        </SelectField>
        {incoming === 'imap' ? (
          <>
            <Field label="IMAP server" value={imapHost} onChange={(e) => setImapHost(e.target.value)} required />
            <SelectField label="IMAP security" value={imapSecurity} onChange={(v) => changeImapSecurity(v as Security)}>
              <option value="tls">SSL/TLS</option>
              <option value="starttls">STARTTLS</option>
            </SelectField>
            <Field label="IMAP port" inputMode="numeric" value={imapPort} onChange={(e) => setImapPort(e.target.value)} required />
          </>
        ) : (
          <>
            <Field label="POP3 server" value={pop3Host} onChange={(e) => setPop3Host(e.target.value)} required />
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
            <Field label="POP3 port" inputMode="numeric" value={pop3Port} onChange={(e) => setPop3Port(e.target.value)} required />
            <CheckboxField label="Leave messages on server" checked={leaveOnServer} onChange={setLeaveOnServer} />
            {leaveOnServer ? (
              <>
                <Field
                  label="Delete from server after (days)"
                  inputMode="numeric"
                  placeholder="Never"
                  value={deleteAfterDays}
                  onChange={(e) => setDeleteAfterDays(e.target.value)}
                />
                <CheckboxField
                  label="Delete from server when deleted here"
                  checked={deleteWhenDeletedLocally}
                  onChange={setDeleteWhenDeletedLocally}
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
        <Field label="SMTP server" value={smtpHost} onChange={(e) => setSmtpHost(e.target.value)} required />
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
        <Field
          label="SMTP port"
          inputMode="numeric"
          value={smtpPort}
          onChange={(e) => setSmtpPort(e.target.value)}
          required
        />
      </fieldset>
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" disabled={saving}>
          Save
        </button>
        {typeof extraActions === 'function'
          ? extraActions({
              name, email, password, username, incoming,
              imapHost, imapPort, imapSecurity,
              pop3Host, pop3Port, pop3Security, leaveOnServer, deleteAfterDays, deleteWhenDeletedLocally,
              smtpHost, smtpPort, smtpSecurity,
            })
          : extraActions}
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
