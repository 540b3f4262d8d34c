import { spf } from 'mailauth/lib/spf/index.js';
import type { MailauthResolver } from './dns-resolver.js';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

export type SpfCheck = { result: SpfResult; record?: string; byAddress: Array<{ address: string; result: SpfResult }> };

/** The worse result first: one address refused makes the whole "not authorized". */
const SEVERITY: SpfResult[] = ['permerror', 'temperror', 'fail', 'softfail', 'neutral', 'none', 'pass'];

/**
 * Does the sender domain's SPF record authorize each of the SMTP server's addresses? Evaluated
 * by mailauth (RFC 7208 in full: ip4, ip6, a, mx, ptr, include, redirect, exists, macros, and the
 * limits of 10 DNS lookups and 2 void lookups), as a receiver would for mail from `sender`.
 */
export async function checkSpf(sender: string, addresses: string[], resolver: MailauthResolver): Promise<SpfCheck> {
  const byAddress: SpfCheck['byAddress'] = [];
  let record: string | undefined;
  for (const address of addresses) {
    const outcome = await spf({ sender, ip: address, helo: sender.slice(sender.lastIndexOf('@') + 1), mta: 'localhost', resolver });
    record ??= outcome.rr || undefined;
    byAddress.push({ address, result: normalize(outcome.status.result) });
  }
  const result = byAddress.length ? SEVERITY.find((r) => byAddress.some((a) => a.result === r))! : 'none';
  return { result, ...(record ? { record } : {}), byAddress };
}

function normalize(result: string): SpfResult {
  if (result === 'temperr') return 'temperror';
  return (SEVERITY as string[]).includes(result) ? (result as SpfResult) : 'permerror';
}
