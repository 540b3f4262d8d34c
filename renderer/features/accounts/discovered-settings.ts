import type { DiscoveredServer, DiscoveryResult, DiscoverySource, ServerCheck } from '../../../shared/schemas.js';
import type { AccountFormValues } from './account-form-values.js';

/** The servers the review starts from: the incoming and outgoing ones the form is prefilled with. */
export type ChosenServers = { incoming?: DiscoveredServer; outgoing?: DiscoveredServer };

/** Whether a login check was about this server. */
export function isCheckOf(check: ServerCheck, server: Pick<DiscoveredServer, 'protocol' | 'host' | 'port'>): boolean {
  return check.protocol === server.protocol && check.host === server.host && check.port === server.port;
}

/** The login check of a found server, if it was checked. */
export function checkOf(result: DiscoveryResult, server: DiscoveredServer): ServerCheck | undefined {
  const checks = server.protocol === 'smtp' ? result.verification?.outgoing : result.verification?.incoming;
  return checks?.find((check) => isCheckOf(check, server));
}

/**
 * The server to prefill: the first whose login worked, else the first the form can hold (IMAP
 * here is always encrypted, so a plaintext IMAP server is passed over while there is another).
 */
function choose(result: DiscoveryResult, servers: DiscoveredServer[]): DiscoveredServer | undefined {
  const usable = (s: DiscoveredServer) => !(s.protocol === 'imap' && s.security === 'none');
  return (
    servers.find((s) => usable(s) && checkOf(result, s)?.outcome === 'ok') ?? servers.find(usable) ?? servers[0]
  );
}

export function chosenServers(result: DiscoveryResult): ChosenServers {
  return { incoming: choose(result, result.incoming), outgoing: choose(result, result.outgoing) };
}

/** True when the chosen incoming or outgoing server's config file names OAuth2: the review offers "Sign in with browser". */
export function offersOAuth(result: DiscoveryResult): boolean {
  const { incoming, outgoing } = chosenServers(result);
  return [incoming, outgoing].some((server) => server?.authentication.includes('OAuth2') ?? false);
}

/** True when discovery found no server at all (manual settings then). */
export function foundNothing(result: DiscoveryResult): boolean {
  return result.incoming.length === 0 && result.outgoing.length === 0;
}

/** The form's values from what was found, on top of what the person typed in the first step. */
export function formValuesFromDiscovery(
  result: DiscoveryResult,
  typed: { name: string; email: string; password: string },
): Partial<AccountFormValues> {
  const { incoming, outgoing } = chosenServers(result);
  const values: Partial<AccountFormValues> = { ...typed };
  const address = typed.email.trim().toLowerCase();
  const login = incoming?.username || outgoing?.username || '';
  // The address itself is the default login: only another name is shown as one.
  values.username = login.toLowerCase() === address ? '' : login;
  // SMTP's own login only where the provider names another one than the incoming server's.
  const smtpLogin = outgoing?.username || '';
  values.smtpUsername = smtpLogin && smtpLogin.toLowerCase() !== (login || address).toLowerCase() ? smtpLogin : '';
  if (incoming?.protocol === 'pop3') {
    const hints = incoming.pop3;
    Object.assign(values, {
      incoming: 'pop3',
      pop3Host: incoming.host,
      pop3Port: String(incoming.port),
      pop3Security: incoming.security,
      leaveOnServer: hints?.leaveMessagesOnServer ?? true,
      deleteAfterDays: hints?.daysToLeaveMessagesOnServer ? String(hints.daysToLeaveMessagesOnServer) : '',
    } satisfies Partial<AccountFormValues>);
  } else if (incoming) {
    Object.assign(values, {
      incoming: 'imap',
      imapHost: incoming.host,
      imapPort: String(incoming.port),
      imapSecurity: incoming.security === 'tls' ? 'tls' : 'starttls',
    } satisfies Partial<AccountFormValues>);
  }
  if (outgoing) {
    Object.assign(values, {
      smtpHost: outgoing.host,
      smtpPort: String(outgoing.port),
      smtpSecurity: outgoing.security,
    } satisfies Partial<AccountFormValues>);
  }
  return values;
}

const SOURCE_NAMES: Record<DiscoverySource['kind'], string> = {
  provider: 'the provider’s configuration file',
  ispdb: 'the Thunderbird ISPDB',
  'ispdb-mx': 'the ISPDB entry of the domain’s mail host (MX)',
  srv: 'DNS SRV records',
  guess: 'guessing common server names',
};

export function sourceName(source: DiscoverySource): string {
  return SOURCE_NAMES[source.kind];
}

const SECURITY_NAMES = { tls: 'SSL/TLS', starttls: 'STARTTLS', none: 'no encryption' } as const;

export function securityName(security: DiscoveredServer['security']): string {
  return SECURITY_NAMES[security];
}

/** The domain of an address, for messages ("No settings were found for example.com"). */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).trim();
}
