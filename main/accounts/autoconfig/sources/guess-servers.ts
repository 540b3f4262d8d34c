import type { DiscoveredServer } from '../../../../shared/schemas.js';
import type { SourceContext, SourceTask } from '../discovery-source.js';
import { probeMailPort } from '../probe-mail-port.js';

/** The ports probed, per protocol and security; tests point them at their own listeners. */
export type GuessPorts = Record<'imap' | 'pop3' | 'smtp', { tls: number; starttls: number }>;

export const STANDARD_PORTS: GuessPorts = {
  imap: { tls: 993, starttls: 143 },
  pop3: { tls: 995, starttls: 110 },
  smtp: { tls: 465, starttls: 587 },
};

const HOST_PREFIXES: Record<keyof GuessPorts, string[]> = {
  imap: ['imap', 'mail'],
  pop3: ['pop3', 'mail'],
  smtp: ['smtp', 'mail'],
};

type Plan = { protocol: keyof GuessPorts; security: 'tls' | 'starttls'; host: string; port: number };

/**
 * The last resort: the usual host names of the domain, each probed on the standard ports at
 * once. Found servers are ordered TLS first (implicit TLS before STARTTLS), then by host name
 * in the order above; IMAP before POP3. Plaintext is never suggested.
 */
export function guessTask(context: SourceContext, options: { ports: GuessPorts; probeTimeoutMs: number }): SourceTask {
  const { asciiDomain } = context.email;
  const source = { kind: 'guess' as const, where: `imap., pop3., smtp. and mail.${asciiDomain}` };
  return {
    source,
    run: async () => {
      const hosts = [...new Set(Object.values(HOST_PREFIXES).flat())].map((prefix) => `${prefix}.${asciiDomain}`);
      const addresses = new Map<string, string>();
      await Promise.all(
        hosts.map(async (host) => {
          const [address] = await context.dns.addresses(host).catch(() => []);
          if (address) addresses.set(host, address);
        }),
      );
      if (addresses.size === 0) return undefined;
      const plans = planProbes(asciiDomain, options.ports).filter((plan) => addresses.has(plan.host));
      const results = await Promise.all(
        plans.map((plan) =>
          probeMailPort({
            ...plan,
            address: addresses.get(plan.host)!,
            timeoutMs: options.probeTimeoutMs,
            signal: context.signal,
            clientName: asciiDomain,
          }).then(
            () => toServer(plan, context.email.address),
            () => undefined,
          ),
        ),
      );
      const servers = results.filter((s): s is DiscoveredServer => s !== undefined);
      if (servers.length === 0) return undefined;
      return {
        incoming: servers.filter((s) => s.protocol !== 'smtp'),
        outgoing: servers.filter((s) => s.protocol === 'smtp'),
      };
    },
  };
}

/** Every probe, already in the order of preference. */
function planProbes(domain: string, ports: GuessPorts): Plan[] {
  return (['imap', 'pop3', 'smtp'] as const).flatMap((protocol) =>
    (['tls', 'starttls'] as const).flatMap((security) =>
      HOST_PREFIXES[protocol].map((prefix) => ({ protocol, security, host: `${prefix}.${domain}`, port: ports[protocol][security] })),
    ),
  );
}

function toServer(plan: Plan, address: string): DiscoveredServer {
  return {
    protocol: plan.protocol,
    host: plan.host,
    port: plan.port,
    security: plan.security,
    authentication: ['password-cleartext'],
    username: address,
    source: { kind: 'guess', where: `${plan.host}:${plan.port}` },
  };
}
