import getDmarcRecord from 'mailauth/lib/dmarc/get-dmarc-record.js';
import type { MailauthResolver } from './dns-resolver.js';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
export type DmarcRead = { policy: DmarcPolicy | null; record?: string; fromOrganizationalDomain: boolean };

/**
 * The DMARC policy that applies to mail from `domain` (RFC 7489): its own _dmarc record, else the
 * organizational domain's (mailauth finds it with the public suffix list), whose `sp` then
 * applies to a subdomain. No record, or a record without a valid p=, is a null policy.
 */
export async function readDmarc(domain: string, resolver: MailauthResolver): Promise<DmarcRead> {
  const record = await getDmarcRecord(domain, resolver);
  if (!record) return { policy: null, fromOrganizationalDomain: false };
  const tag = record.isOrgRecord && typeof record.sp === 'string' ? record.sp : record.p;
  const policy = typeof tag === 'string' && ['none', 'quarantine', 'reject'].includes(tag.trim().toLowerCase()) ? (tag.trim().toLowerCase() as DmarcPolicy) : null;
  return { policy, record: record.rr, fromOrganizationalDomain: record.isOrgRecord };
}
