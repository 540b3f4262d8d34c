import type { DiscoveredServer } from '../../../../shared/schemas.js';
import type { SourceContext, SourceTask } from '../discovery-source.js';
import type { SrvTarget } from '../discovery-dns.js';

type Service = { label: string; protocol: DiscoveredServer['protocol']; security: 'tls' | 'starttls' };

/**
 * RFC 6186 names (and RFC 8314's _submissions for implicit TLS). Their order breaks ties of
 * priority: implicit TLS first (RFC 8314 §5.1), IMAP before POP3. The plaintext variants are
 * read as STARTTLS, which the connection then requires: never a password in the clear.
 */
const SERVICES: Service[] = [
  { label: '_imaps._tcp', protocol: 'imap', security: 'tls' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { label: '_pop3s._tcp', protocol: 'pop3', security: 'tls' },
  { label: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
  { label: '_submissions._tcp', protocol: 'smtp', security: 'tls' },
  { label: '_submission._tcp', protocol: 'smtp', security: 'starttls' },
];

/** Servers from SRV records; a target of "." says the service is not offered (RFC 2782). */
export function srvTask(context: SourceContext): SourceTask {
  const { asciiDomain, address } = context.email;
  const source = { kind: 'srv' as const, where: `SRV records of ${asciiDomain}` };
  return {
    source,
    run: async () => {
      const answers = await Promise.allSettled(SERVICES.map((service) => context.dns.srv(`${service.label}.${asciiDomain}`)));
      const found: Array<{ server: DiscoveredServer; priority: number; order: number }> = [];
      answers.forEach((answer, order) => {
        if (answer.status !== 'fulfilled') return;
        const service = SERVICES[order]!;
        for (const record of answer.value.filter(offered)) {
          found.push({ server: toServer(service, record, address, asciiDomain), priority: record.priority, order });
        }
      });
      if (found.length === 0) {
        const failure = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
        if (failure) throw failure.reason;
        return undefined;
      }
      // Array.prototype.sort is stable: records of one service keep the weight order DNS gave.
      const servers = found.sort((a, b) => a.priority - b.priority || a.order - b.order).map((f) => f.server);
      return {
        incoming: servers.filter((s) => s.protocol !== 'smtp'),
        outgoing: servers.filter((s) => s.protocol === 'smtp'),
      };
    },
  };
}

function offered(record: SrvTarget): boolean {
  const target = record.name.replace(/\.$/, '');
  return target !== '' && record.port > 0;
}

function toServer(service: Service, record: SrvTarget, address: string, domain: string): DiscoveredServer {
  return {
    protocol: service.protocol,
    host: record.name.replace(/\.$/, '').toLowerCase(),
    port: record.port,
    security: service.security,
    authentication: ['password-cleartext'],
    // RFC 6186 §4 has the client try the whole address as the login name first.
    username: address,
    source: { kind: 'srv', where: `${service.label}.${domain}` },
  };
}
