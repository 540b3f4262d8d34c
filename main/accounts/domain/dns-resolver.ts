import { promises as dns } from 'node:dns';

/** What mailauth asks DNS with: node:dns's resolve(name, type) shape (TXT as chunk arrays, MX as objects). */
export type MailauthResolver = (domain: string, rrtype: string) => Promise<never>;

/**
 * A resolver for mailauth's SPF and DMARC lookups: the servers of MAIL_DNS_SERVERS when given
 * (tests: the loopback DNS server), else the system's. Short timeouts: the check is information
 * shown after setup, and must not keep anyone waiting.
 */
export function domainResolver(servers: string[] | undefined, { timeoutMs = 2000, tries = 2 } = {}): { resolve: MailauthResolver; cancel(): void } {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries });
  if (servers) resolver.setServers(servers);
  return {
    // Typed loosely on purpose: each record type has its own answer shape, as mailauth expects.
    resolve: (domain, rrtype) => resolver.resolve(domain, rrtype) as Promise<never>,
    cancel: () => resolver.cancel(),
  };
}
