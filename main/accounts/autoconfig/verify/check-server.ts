import { AppError } from '../../../../shared/errors.js';
import type { DiscoveredAuthentication, ServerCheck } from '../../../../shared/schemas.js';
import type { DiscoveryDns } from '../discovery-dns.js';
import { verifyImapLogin } from './verify-imap-login.js';
import { verifyPop3Login } from './verify-pop3-login.js';
import { verifySmtpLogin } from './verify-smtp-login.js';
import type { Login, VerifyTarget } from './verify-target.js';

/** A server's settings as found or as edited: what a login check needs. */
export type ServerSettingsToCheck = {
  protocol: 'imap' | 'pop3' | 'smtp';
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  authentication: DiscoveredAuthentication[];
  username: string;
};

const PASSWORD_METHODS: DiscoveredAuthentication[] = ['password-cleartext', 'password-encrypted'];

/**
 * Logs in to one server with the password and reports what happened, the failure mapped as
 * every connection of the app maps it (wrong password, host not found, refused, timeout, TLS
 * with the certificate's facts). Never throws. Not tried: a server without encryption (the
 * password would travel in the clear) and one that takes no password (OAuth2 only).
 */
export type CheckOptions = { dns?: DiscoveryDns; timeoutMs?: number };

export async function checkServer(server: ServerSettingsToCheck, credentials: { email: string; password: string }, { dns, timeoutMs }: CheckOptions = {}): Promise<ServerCheck> {
  const { protocol, host, port } = server;
  const place = { protocol, host, port };
  if (server.security === 'none') {
    return {
      ...place,
      outcome: 'skipped',
      error: new AppError('TLS_REQUIRED', {
        message: `${host} offers no encryption on port ${port}, so the password was not sent to check it. Choose SSL/TLS or STARTTLS.`,
        details: { host, port: String(port) },
      }).toDto(),
    };
  }
  if (!server.authentication.some((method) => PASSWORD_METHODS.includes(method))) {
    return {
      ...place,
      outcome: 'skipped',
      error: new AppError('INVALID_ARGUMENT', {
        message: `${host} does not take a password (it asks for ${server.authentication.join(', ') || 'no known method'}), so it could not be checked with one.`,
        details: { host, port: String(port) },
      }).toDto(),
    };
  }
  try {
    // Through discovery's own DNS where one is set, so a check never asks another resolver.
    const connectTo = dns?.usesOwnServers ? (await dns.addresses(host))[0]! : host;
    const target: VerifyTarget = { protocol, host, port, security: server.security, authentication: server.authentication, connectTo, timeoutMs };
    const login: Login = { email: credentials.email, username: server.username || credentials.email, password: credentials.password };
    if (protocol === 'imap') await verifyImapLogin(target, login);
    else if (protocol === 'pop3') await verifyPop3Login(target, login);
    else await verifySmtpLogin(target, login);
    return { ...place, outcome: 'ok' };
  } catch (error) {
    const mapped = error instanceof AppError ? error : new AppError('INTERNAL', { cause: error });
    return { ...place, outcome: 'failed', error: mapped.toDto() };
  }
}

/**
 * Checks candidates in order until one works. A wrong password stops the round: the next server
 * of the same provider would refuse it too, and every refusal brings a lockout closer.
 */
export async function checkInOrder(
  servers: ServerSettingsToCheck[],
  credentials: { email: string; password: string },
  options: CheckOptions = {},
): Promise<ServerCheck[]> {
  const checks: ServerCheck[] = [];
  for (const server of servers) {
    const check = await checkServer(server, credentials, options);
    checks.push(check);
    if (check.outcome === 'ok' || check.error?.code === 'AUTH_FAILED') break;
  }
  return checks;
}
