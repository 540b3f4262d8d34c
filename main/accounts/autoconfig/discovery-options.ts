import { parseDnsServers } from './dns-servers.js';
import type { GuessPorts } from './sources/guess-servers.js';
import { DEFAULT_ISPDB_URL } from './sources/ispdb.js';

export type DiscoveryOptions = {
  /** Base of the ISPDB (<base>/v1.1/<domain>). */
  ispdbBaseUrl: string;
  /** DNS servers for every question discovery asks; undefined: the system's. */
  dnsServers?: string[];
  /** The one deadline for all sources together. */
  timeoutMs?: number;
  /** One HTTP fetch. */
  fetchTimeoutMs?: number;
  /** One port probe while guessing. */
  probeTimeoutMs?: number;
  /** One DNS question (the resolver tries twice). */
  dnsTimeoutMs?: number;
  /** Connecting to, and each answer of, a server whose login is checked; the libraries' 15 s when absent. */
  verifyTimeoutMs?: number;
  /** Trusted CAs for HTTPS fetches instead of the system's: tests only. */
  ca?: string[];
  /** Ports probed while guessing: tests only. */
  guessPorts?: GuessPorts;
};

/** MAIL_ISPDB_URL and MAIL_DNS_SERVERS (see README, "Account discovery"). */
export function discoveryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DiscoveryOptions {
  const ispdb = env.MAIL_ISPDB_URL?.trim();
  const dnsServers = parseDnsServers(env.MAIL_DNS_SERVERS);
  return { ispdbBaseUrl: ispdb || DEFAULT_ISPDB_URL, ...(dnsServers ? { dnsServers } : {}) };
}
