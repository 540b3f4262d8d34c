import { AppError } from '../../../shared/errors.js';
import type { DomainCheck } from '../../../shared/schemas.js';
import { DiscoveryDns } from '../autoconfig/discovery-dns.js';
import { checkSpf, type SpfCheck } from './check-spf.js';
import { domainResolver } from './dns-resolver.js';
import { explainDmarc, explainSpf } from './explain-domain.js';
import { readDmarc, type DmarcRead } from './read-dmarc.js';

export type DomainCheckOptions = { dnsServers?: string[]; dnsTimeoutMs?: number; timeoutMs?: number };

/**
 * After setup: does the sender's domain authorize the SMTP server (SPF), and what does it ask of
 * mail that fails (DMARC)? Information for the person, never a reason to refuse anything, so it
 * never throws: a DNS failure becomes a 'temperror' with the error beside it. Every question goes
 * to MAIL_DNS_SERVERS' servers when set.
 */
export async function checkDomain(sender: string, smtpHost: string, options: DomainCheckOptions = {}): Promise<DomainCheck> {
  const domain = sender.slice(sender.lastIndexOf('@') + 1).toLowerCase();
  const timing = { timeoutMs: options.dnsTimeoutMs ?? 2000, tries: 2 };
  const dns = domainResolver(options.dnsServers, timing);
  const hosts = new DiscoveryDns(options.dnsServers, timing);
  const deadline = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new AppError('TIMEOUT', { message: `The DNS checks of ${domain} did not finish in time.` })), options.timeoutMs ?? 10_000);
    timer.unref();
  });
  let addresses: string[] = [];
  let error: AppError | undefined;
  let spf: SpfCheck = { result: 'temperror', byAddress: [] };
  let dmarc: DmarcRead = { policy: null, fromOrganizationalDomain: false };
  try {
    await Promise.race([
      deadline,
      (async () => {
        const [found, dmarcRead] = await Promise.all([hosts.addresses(smtpHost), readDmarc(domain, dns.resolve).catch(() => dmarc)]);
        addresses = found;
        dmarc = dmarcRead;
        spf = await checkSpf(sender, addresses, dns.resolve);
      })(),
    ]);
  } catch (cause) {
    error = cause instanceof AppError ? cause : new AppError('SERVER_ERROR', { message: `The DNS checks of ${domain} failed.`, cause });
  } finally {
    dns.cancel();
    hosts.cancel();
  }
  return {
    domain,
    smtpHost,
    addresses,
    spf: { ...spf, explanation: explainSpf(spf.result, domain, smtpHost) },
    dmarc: { ...dmarc, explanation: explainDmarc(dmarc.policy, domain) },
    ...(error ? { error: error.toDto() } : {}),
  };
}
