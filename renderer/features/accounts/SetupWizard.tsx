import { useRef, useState, type FormEvent } from 'react';
import type { ContractClient, Reply } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account, DiscoveryAttempt, DiscoveryResult, ServerCheck } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { AccountForm } from './AccountForm.js';
import { NameEmailPasswordFields, type NameEmailPassword } from './NameEmailPasswordFields.js';
import { accountSettingsOf, loginNamesOf, type AccountFormValues } from './account-form-values.js';
import {
  checkOf,
  chosenServers,
  domainOf,
  foundNothing,
  formValuesFromDiscovery,
  isCheckOf,
  offersOAuth,
  securityName,
  sourceName,
} from './discovered-settings.js';

type Props = {
  client: ContractClient;
  onSaved: (account: Account) => void;
  onCancel?: () => void;
};

/** The manual form opens with `values`: what the review showed, as the person left it (or only what was typed first). */
type Step = { kind: 'start' } | { kind: 'review'; result: DiscoveryResult; round: number } | { kind: 'manual'; values?: AccountFormValues };

/** A certificate the person chose to trust at setup: pinned for the new account once it is saved. */
type TrustChoice = { protocol: 'imap' | 'pop3' | 'smtp'; host: string; port: number; fingerprint256: string };

/** The server each protocol points at: in the form as it stands, or in a saved account. */
type ServersInUse = Partial<Record<TrustChoice['protocol'], { host: string; port: number }>>;

function serversOfValues(values: AccountFormValues): ServersInUse {
  const smtp = { host: values.smtpHost, port: Number(values.smtpPort) };
  return values.incoming === 'pop3'
    ? { pop3: { host: values.pop3Host, port: Number(values.pop3Port) }, smtp }
    : { imap: { host: values.imapHost, port: Number(values.imapPort) }, smtp };
}

function serversOfAccount(account: Account): ServersInUse {
  return { ...(account.imap ? { imap: account.imap } : {}), ...(account.pop3 ? { pop3: account.pop3 } : {}), smtp: account.smtp };
}

/** A certificate is trusted for the server it was shown for: the same name and port, nothing else. */
function trustStillApplies(choice: TrustChoice, servers: ServersInUse): boolean {
  const server = servers[choice.protocol];
  return server !== undefined && server.host.trim().toLowerCase() === choice.host.toLowerCase() && server.port === choice.port;
}

/** "Check again": the login checks of the settings as the person left them, or why they could not be made. */
type Recheck = { checking: true } | { checks: ServerCheck[] } | { error: AppErrorDto };

/**
 * Adding an account: a name, an address and a password, then Continue looks the settings up
 * (accounts.discover, which also checks the login) and shows them for review in the account
 * form, editable, with where each came from and what worked. Manual settings are one click away.
 * The password may be left empty: the settings are then looked up without logging in, and the
 * review offers "Sign in with browser" where the provider wants it, or asks for the password.
 */
export function SetupWizard({ client, onSaved, onCancel }: Props) {
  const [step, setStep] = useState<Step>({ kind: 'start' });
  const [typed, setTyped] = useState<NameEmailPassword>({ name: '', email: '', password: '' });
  const { email, password } = typed;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorDto>();
  const [nothingFound, setNothingFound] = useState<DiscoveryAttempt[]>();
  const [trusted, setTrusted] = useState<TrustChoice[]>([]);
  const [recheck, setRecheck] = useState<Recheck>();
  const [signInError, setSignInError] = useState<AppErrorDto>();
  const [signingIn, setSigningIn] = useState(false);
  // Only the latest lookup's answer counts (the person may have gone manual meanwhile).
  const latest = useRef(0);

  async function discover(event: FormEvent) {
    event.preventDefault();
    const round = ++latest.current;
    setBusy(true);
    setError(undefined);
    setNothingFound(undefined);
    setTrusted([]);
    setRecheck(undefined);
    let reply: Reply<DiscoveryResult>;
    try {
      reply = await client.invoke('accounts.discover', { email: email.trim(), ...(password ? { password } : {}) });
    } catch {
      reply = { ok: false, error: { code: 'CONNECTION_LOST', message: 'The app could not ask for the settings. Try again.' } };
    }
    if (round !== latest.current) return;
    setBusy(false);
    if (!reply.ok) return setError(reply.error);
    const result = reply.value;
    if (foundNothing(result)) {
      setNothingFound(result.attempts);
      setError({
        code: 'NOT_FOUND',
        message: `No server settings were found for ${domainOf(email)}. Check the address, or choose “Set up manually” and enter the server names your provider gives.`,
      });
      return;
    }
    setStep({ kind: 'review', result, round });
  }

  /**
   * The full form without the lookup's account. From the review it keeps the servers found and
   * every edit made there (`values`); from the first step, what was typed. A certificate trusted
   * in the review is not carried over: the manual form does not show it, so it is not pinned
   * unseen (the mailbox shows it at the first connection instead).
   */
  function manual(values?: AccountFormValues) {
    latest.current++;
    setBusy(false);
    setError(undefined);
    setTrusted([]);
    setStep({ kind: 'manual', values });
  }

  /** Logs in with the settings as edited (accounts.verify): nothing is sent, nothing saved. */
  async function checkAgain(values: AccountFormValues, result: DiscoveryResult) {
    setRecheck({ checking: true });
    const email = values.email.trim();
    const logins = loginNamesOf(values);
    const pop3 = values.incoming === 'pop3';
    const incoming = {
      protocol: values.incoming,
      host: (pop3 ? values.pop3Host : values.imapHost).trim(),
      port: Number(pop3 ? values.pop3Port : values.imapPort),
      security: pop3 ? values.pop3Security : values.imapSecurity,
      username: logins.incoming,
      authentication: authenticationOf(result.incoming, values.incoming),
    };
    const outgoing = {
      protocol: 'smtp' as const,
      host: values.smtpHost.trim(),
      port: Number(values.smtpPort),
      security: values.smtpSecurity,
      username: logins.smtp,
      authentication: authenticationOf(result.outgoing, 'smtp'),
    };
    try {
      const reply = await client.invoke('accounts.verify', { email, password: values.password, incoming, outgoing });
      setRecheck(reply.ok ? { checks: [reply.value.incoming, reply.value.outgoing] } : { error: reply.error });
    } catch {
      setRecheck({ error: { code: 'CONNECTION_LOST', message: 'The app could not check the settings. Try again.' } });
    }
  }

  /**
   * "Sign in with browser", for a server whose config file names OAuth2: main finds the provider,
   * opens the system browser and keeps the account once the sign-in worked (no password kept).
   */
  async function signInWithBrowser(values: AccountFormValues) {
    setSigningIn(true);
    setSignInError(undefined);
    let reply: Reply<Account>;
    try {
      reply = await client.invoke('accounts.add', { ...accountSettingsOf(values), auth: 'oauth2' });
    } catch {
      reply = { ok: false, error: { code: 'CONNECTION_LOST', message: 'The app could not start the sign-in. Try again.' } };
    }
    setSigningIn(false);
    if (reply.ok) await saved(reply.value);
    else setSignInError(reply.error);
  }

  /**
   * Saved: pins the certificates the person chose to trust, each for the server it was shown
   * for. A choice whose server was edited since is not carried over to the new one (the review
   * said so); main refuses it too, should the server names differ (the `host` it is given).
   */
  async function saved(account: Account) {
    let latestAccount = account;
    for (const choice of trusted.filter((t) => trustStillApplies(t, serversOfAccount(account)))) {
      const reply = await client.invoke('accounts.trustCertificate', {
        accountId: account.id,
        protocol: choice.protocol,
        host: choice.host,
        fingerprint256: choice.fingerprint256,
      });
      // Refused (the server now shows another certificate): the mailbox shows the new one's facts.
      if (reply.ok) latestAccount = reply.value;
    }
    onSaved(latestAccount);
  }

  if (step.kind === 'manual') {
    return <AccountForm key="manual" client={client} initial={step.values ?? typed} onSaved={(a) => void saved(a)} onCancel={onCancel} />;
  }

  if (step.kind === 'review') {
    const oauth = offersOAuth(step.result);
    return (
      <AccountForm
        key={`review-${step.round}`}
        client={client}
        title="Review your settings"
        initial={formValuesFromDiscovery(step.result, typed)}
        onSaved={(a) => void saved(a)}
        onCancel={onCancel}
        passwordOptional={oauth}
        missingPassword={
          oauth
            ? `${step.result.displayName ?? 'This provider'} signs in with the browser: choose “Sign in with browser”. To use a password instead (an app password from your provider), enter it, then save.`
            : `Enter the password for ${email.trim()}: its server logs in with a password.`
        }
        extraActions={(values) => (
          <>
            {oauth ? (
              <button type="button" onClick={() => void signInWithBrowser(values)} disabled={signingIn}>
                Sign in with browser
              </button>
            ) : null}
            <button type="button" onClick={() => void checkAgain(values, step.result)} disabled={recheck !== undefined && 'checking' in recheck}>
              Check again
            </button>
            <button type="button" onClick={() => manual(values)}>
              Set up manually
            </button>
          </>
        )}
      >
        {(values) => (
          <>
            <DiscoverySummary
              result={step.result}
              recheck={recheck}
              trusted={trusted}
              servers={serversOfValues(values)}
              onTrust={(choice) => setTrusted((list) => [...list.filter((t) => t.protocol !== choice.protocol), choice])}
            />
            {oauth ? (
              <p role="note" className="oauth-note">
                {signingIn
                  ? 'Finish signing in in your browser; this page waits for it.'
                  : 'This provider asks you to sign in with your browser: choose “Sign in with browser”. Your password is then not kept by the app.'}
              </p>
            ) : !values.password ? (
              <p role="note">Enter your password below: it was not checked yet. “Check again” logs in with it; Save keeps the account.</p>
            ) : null}
            <ErrorAlert error={signInError} />
          </>
        )}
      </AccountForm>
    );
  }

  return (
    <form className="account-form setup-wizard" aria-label="Add account" onSubmit={discover}>
      <h2>Add account</h2>
      <p className="hint">
        Enter your address and password: the server settings are looked up for you. If your provider has you sign in with the
        browser, you may leave the password empty.
      </p>
      <NameEmailPasswordFields values={typed} onChange={(field, value) => setTyped((now) => ({ ...now, [field]: value }))} />
      {busy ? (
        <p role="status" className="discovery-progress">
          Looking up the settings for {domainOf(email)}
          {password ? ' and checking your password' : ''}…
        </p>
      ) : null}
      <ErrorAlert error={error} />
      {nothingFound ? <PlacesAsked attempts={nothingFound} open /> : null}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Continue
        </button>
        <button type="button" onClick={() => manual()}>
          Set up manually
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** How a found server of that protocol takes a password (the defaults when none was found). */
function authenticationOf(servers: DiscoveryResult['incoming'], protocol: 'imap' | 'pop3' | 'smtp'): DiscoveryResult['incoming'][number]['authentication'] {
  const found = servers.find((s) => s.protocol === protocol)?.authentication ?? [];
  return found.length ? found : ['password-cleartext'];
}

const OUTCOMES: Record<DiscoveryAttempt['outcome'], string> = {
  found: 'found the settings',
  incomplete: 'found only some servers',
  'not-found': 'nothing there',
  failed: 'failed',
  'timed-out': 'no answer in time',
  'not-needed': 'not needed',
};

function PlacesAsked({ attempts, open = false }: { attempts: DiscoveryAttempt[]; open?: boolean }) {
  return (
    <details className="places-asked" open={open}>
      <summary>Places asked</summary>
      <ul>
        {attempts.map((a, i) => (
          <li key={i}>
            {sourceName(a)} (<code>{a.where}</code>): {OUTCOMES[a.outcome]}
            {a.error ? ` — ${a.error.message}` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

function checkText(check: ServerCheck | undefined): string {
  if (!check) return 'login not checked';
  if (check.outcome === 'ok') return 'login worked';
  if (check.outcome === 'failed') return 'login failed';
  return `not checked${check.error ? `: ${check.error.message}` : ''}`;
}

/** The failed checks of a side where nothing worked (a later server that worked makes earlier failures moot). */
function failures(checks: ServerCheck[] | undefined): ServerCheck[] {
  if (!checks || checks.some((c) => c.outcome === 'ok')) return [];
  return checks.filter((c) => c.outcome === 'failed' && c.error);
}

const ADVICE: Partial<Record<AppErrorDto['code'], string>> = {
  AUTH_FAILED: 'Correct the password (or the user name) below, then save.',
  HOST_NOT_FOUND: 'Correct the server name below, or ask your provider for it.',
  CONNECTION_REFUSED: 'Check the server name, port and security below.',
  TIMEOUT: 'Check your connection, or the server name and port below.',
  TLS_REQUIRED: 'Choose SSL/TLS or STARTTLS, or another port, below.',
};

function DiscoverySummary({
  result,
  recheck,
  trusted,
  servers: inUse,
  onTrust,
}: {
  result: DiscoveryResult;
  recheck: Recheck | undefined;
  trusted: TrustChoice[];
  /** The servers the form points at now: a trust choice counts only while its server is still one of them. */
  servers: ServersInUse;
  onTrust: (choice: TrustChoice) => void;
}) {
  const active = trusted.filter((t) => trustStillApplies(t, inUse));
  const leftBehind = trusted.filter((t) => !trustStillApplies(t, inUse));
  const chosen = chosenServers(result);
  const servers = [...result.incoming, ...result.outgoing];
  // Once checked again, that check speaks for the settings; before, discovery's own.
  const failed =
    recheck && 'checks' in recheck
      ? recheck.checks.filter((c) => c.outcome === 'failed' && c.error)
      : [...failures(result.verification?.incoming), ...failures(result.verification?.outgoing)];
  const pop3Hints = chosen.incoming?.protocol === 'pop3' ? chosen.incoming.pop3 : undefined;
  return (
    <section className="discovery-summary" aria-label="What was found">
      {result.source ? (
        <p>
          Found {result.displayName ? <>settings for {result.displayName}</> : 'settings'} in {sourceName(result.source)} (
          <code>{result.source.where}</code>). Check them, change what you need, and save.
        </p>
      ) : null}
      <ul className="found-servers" aria-label="Servers found">
        {servers.map((server, i) => {
          const check = checkOf(result, server);
          const used = server === chosen.incoming || server === chosen.outgoing;
          return (
            <li key={i} className={`check-${check?.outcome ?? 'none'}`}>
              <strong>{server.protocol.toUpperCase()}</strong> {server.host}:{server.port}, {securityName(server.security)}
              {server.username ? `, user ${server.username}` : ''} — from {sourceName(server.source)}; {checkText(check)}
              {used ? ' (used below)' : ''}
            </li>
          );
        })}
      </ul>
      {!chosen.incoming ? <p role="note">No incoming server was found: enter it below.</p> : null}
      {!chosen.outgoing ? <p role="note">No outgoing (SMTP) server was found: enter it below.</p> : null}
      {pop3Hints && (pop3Hints.leaveMessagesOnServer !== undefined || pop3Hints.daysToLeaveMessagesOnServer) ? (
        <p role="note">
          The provider suggests {pop3Hints.leaveMessagesOnServer === false ? 'not leaving messages on the server' : 'leaving messages on the server'}
          {pop3Hints.daysToLeaveMessagesOnServer ? ` for ${pop3Hints.daysToLeaveMessagesOnServer} days` : ''}.
        </p>
      ) : null}
      <PlacesAsked attempts={result.attempts} />
      {recheck && 'checking' in recheck ? <p role="status">Checking the settings below…</p> : null}
      {recheck && 'checks' in recheck ? (
        <ul className="found-servers" aria-label="Checked again">
          {recheck.checks.map((check, i) => (
            <li key={i} className={`check-${check.outcome}`}>
              <strong>{check.protocol.toUpperCase()}</strong> {check.host}:{check.port}: {checkText(check)}
            </li>
          ))}
        </ul>
      ) : null}
      {recheck && 'error' in recheck ? <ErrorAlert error={recheck.error} /> : null}
      {failed.length > 0 ? (
        <div role="alert" className="error-alert">
          {failed.map((check, i) => (
            <CheckFailure key={i} check={check} trusted={active} inUse={trustStillApplies({ ...check, fingerprint256: '' }, inUse)} onTrust={onTrust} />
          ))}
        </div>
      ) : null}
      {leftBehind.length > 0 ? (
        <div role="alert" className="error-alert trust-left-behind">
          {leftBehind.map((choice) => (
            <p key={choice.protocol}>{leftBehindText(choice, inUse[choice.protocol])}</p>
          ))}
        </div>
      ) : null}
    </section>
  );
}

/** Why a certificate the person trusted here will not be trusted after all: its server was edited. */
function leftBehindText(choice: TrustChoice, now: { host: string; port: number } | undefined): string {
  const name = choice.protocol.toUpperCase();
  const before = `You trusted the certificate of ${choice.host}:${choice.port} (${name}), and it is trusted for that server only.`;
  const host = now?.host.trim();
  if (!host) return `${before} The account no longer uses that ${name} server, so that certificate will not be trusted.`;
  return `${before} The ${name} server is now ${host}:${now!.port}, so that certificate will not be trusted for it: choose “Check again” to see the certificate of ${host}.`;
}

function CheckFailure({
  check,
  trusted,
  inUse,
  onTrust,
}: {
  check: ServerCheck;
  trusted: TrustChoice[];
  /** The form still points at this server: only then may its certificate be trusted from here. */
  inUse: boolean;
  onTrust: (choice: TrustChoice) => void;
}) {
  const error = check.error!;
  const details = error.details ?? {};
  const fingerprint256 = error.code === 'TLS_UNTRUSTED' ? details.fingerprint256 : undefined;
  const chosen = trusted.find((t) => isCheckOf(check, t) && t.fingerprint256 === fingerprint256);
  return (
    <div className="check-failure">
      <p>
        {check.protocol.toUpperCase()} server {check.host}:{check.port}: {error.message} {ADVICE[error.code] ?? ''}
      </p>
      {error.serverReply ? <p className="server-reply">Server said: {error.serverReply}</p> : null}
      {fingerprint256 ? (
        <div className="certificate">
          <dl aria-label={`Certificate of ${check.host}`}>
            <dt>Issued to</dt>
            <dd>{details.subject}</dd>
            <dt>Issued by</dt>
            <dd>{details.issuer}</dd>
            <dt>Valid</dt>
            <dd>
              {details.validFrom} – {details.validTo}
            </dd>
            <dt>SHA-256 fingerprint</dt>
            <dd className="fingerprint">{fingerprint256}</dd>
          </dl>
          {chosen ? (
            <p>This certificate will be trusted for {check.host} when you save.</p>
          ) : !inUse ? (
            <p>The server entered below is no longer {check.host}:{check.port}, so this certificate is not offered to trust.</p>
          ) : (
            <button type="button" onClick={() => onTrust({ protocol: check.protocol, host: check.host, port: check.port, fingerprint256 })}>
              Trust this certificate
            </button>
          )}
        </div>
      ) : null}
    </div>
  );
}

