import type { DiscoveryResult, ServerCheck } from '../../../shared/schemas.js';
import type { ParsedInput } from '../../../shared/contract.js';
import { DiscoveryDns } from './discovery-dns.js';
import type { DiscoveryOptions } from './discovery-options.js';
import { discoverServers } from './discover-servers.js';
import { checkInOrder, checkServer, type CheckOptions } from './verify/check-server.js';

/**
 * accounts.discover: finds the settings and, given a password, checks them: the incoming
 * servers in order until one takes the login, then the outgoing ones the same way.
 */
export async function discoverAccount({ email, password }: ParsedInput<'accounts.discover'>, options: DiscoveryOptions): Promise<DiscoveryResult> {
  const found = await discoverServers(email, options);
  if (password === undefined || (found.incoming.length === 0 && found.outgoing.length === 0)) return found;
  const check = checkOptions(options);
  const credentials = { email: found.email, password };
  const [incoming, outgoing] = await Promise.all([checkInOrder(found.incoming, credentials, check), checkInOrder(found.outgoing, credentials, check)]);
  return { ...found, verification: { incoming, outgoing } };
}

/** accounts.verify: checks the settings as the person left them, both servers at once. */
export async function verifyAccount(
  { email, password, incoming, outgoing }: ParsedInput<'accounts.verify'>,
  options: DiscoveryOptions,
): Promise<{ incoming: ServerCheck; outgoing: ServerCheck }> {
  const check = checkOptions(options);
  const credentials = { email, password };
  const [incomingCheck, outgoingCheck] = await Promise.all([checkServer(incoming, credentials, check), checkServer(outgoing, credentials, check)]);
  return { incoming: incomingCheck, outgoing: outgoingCheck };
}

function checkOptions(options: DiscoveryOptions): CheckOptions {
  return { dns: new DiscoveryDns(options.dnsServers, { timeoutMs: options.dnsTimeoutMs ?? 3000 }), timeoutMs: options.verifyTimeoutMs };
}
