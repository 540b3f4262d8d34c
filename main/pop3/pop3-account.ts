import { AppError } from '../../shared/errors.js';
import type { Account } from '../../shared/schemas.js';
import type { ProbeTarget } from '../net/peer-certificate.js';
import type { Pop3Policy } from './download-loop.js';
import type { Pop3Credentials, Pop3Settings } from './pop3-client.js';

/** An account, or one being added (its settings without an id yet). */
type WithPop3 = Pick<Account, 'email' | 'username' | 'pop3' | 'auth'>;

/** The account's POP3 server; an IMAP account has none, and asking is a bug in the caller. */
export function pop3ServerOf(account: WithPop3): NonNullable<Account['pop3']> {
  if (!account.pop3) throw new AppError('INVALID_ARGUMENT', { message: 'This account fetches its mail by IMAP, not POP3.' });
  return account.pop3;
}

/** How the client connects: the account's server, its security and any pinned certificate. */
export function pop3SettingsOf(account: WithPop3): Pop3Settings {
  const { host, port, security, pinnedCertificate, authMethod } = pop3ServerOf(account);
  return { host, port, security, pinnedCertificate, authMethod };
}

/**
 * POP3 logs in with the account's user name (absent: the address), as the account's other servers
 * do. An OAuth account's secret is a current access token, sent with AUTH XOAUTH2.
 */
export function pop3CredentialsOf(account: WithPop3, password: string): Pop3Credentials {
  const user = account.username ?? account.email;
  return account.auth === 'oauth2' || pop3ServerOf(account).authMethod === 'XOAUTH2' ? { user, accessToken: password } : { user, password };
}

/** What the download loop keeps and deletes (see download-loop.ts). */
export function pop3PolicyOf(account: WithPop3): Pop3Policy {
  const { leaveOnServer, deleteAfterDays, deleteWhenDeletedLocally } = pop3ServerOf(account);
  return { leaveOnServer, deleteAfterDays, deleteWhenDeletedLocally };
}

/** Where the certificate probe goes after a TLS_UNTRUSTED; none for a plaintext server. */
export function pop3ProbeTarget(account: WithPop3): ProbeTarget | undefined {
  const { host, port, security } = pop3ServerOf(account);
  if (security === 'none') return undefined;
  return { protocol: 'pop3', host, port, security };
}
