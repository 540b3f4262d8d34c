import type { SpfResult } from './check-spf.js';
import type { DmarcPolicy } from './read-dmarc.js';

/** A plain explanation of the SPF result for the SMTP server `host` and the sender `domain`. */
export function explainSpf(result: SpfResult, domain: string, host: string): string {
  switch (result) {
    case 'pass':
      return `${domain} lists ${host} as allowed to send its mail (SPF), so receivers can tell your messages come from an authorized server.`;
    case 'fail':
      return `${domain} does not list ${host} as allowed to send its mail (SPF). Receivers may reject your messages or treat them as forged; ask whoever runs ${domain} to add this server to its SPF record.`;
    case 'softfail':
      return `${domain} says ${host} is probably not allowed to send its mail (SPF "~all"). Your messages may land in spam folders; ask whoever runs ${domain} to add this server to its SPF record.`;
    case 'neutral':
      return `${domain}'s SPF record makes no claim about ${host} ("?all"), so it neither helps nor hurts your messages.`;
    case 'none':
      return `${domain} publishes no SPF record, so receivers cannot check which servers may send its mail.`;
    case 'permerror':
      return `${domain}'s SPF record is broken (a syntax error, or more than 10 DNS lookups), so receivers may ignore it or count it as a failure.`;
    case 'temperror':
      return `The DNS could not be asked about ${domain}'s SPF record just now; try again later.`;
  }
}

/** A plain explanation of the DMARC policy receivers apply to mail from `domain`. */
export function explainDmarc(policy: DmarcPolicy | null, domain: string): string {
  const failing = 'mail that neither passes SPF nor carries a DKIM signature of the domain';
  switch (policy) {
    case 'reject':
      return `${domain} asks receivers to refuse ${failing} (DMARC p=reject). If SPF does not pass above, your mail gets through only if your provider signs it with DKIM for ${domain}.`;
    case 'quarantine':
      return `${domain} asks receivers to put ${failing} in spam (DMARC p=quarantine).`;
    case 'none':
      return `${domain} has a DMARC record that only monitors (p=none): receivers decide for themselves what to do with ${failing}.`;
    case null:
      return `${domain} publishes no DMARC policy, so receivers decide for themselves what to do with mail that fails their checks.`;
  }
}
