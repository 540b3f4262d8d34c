/** mailauth ships no types for this file: what main/accounts/domain/read-dmarc.ts uses of it. */
declare module 'mailauth/lib/dmarc/get-dmarc-record.js' {
  type Resolver = (domain: string, rrtype: string) => Promise<unknown>;
  /** The tags of the _dmarc record (p, sp, pct, rua...), `rr` the record itself; false when there is none. */
  type DmarcRecord = Record<string, string | number | boolean> & { rr: string; isOrgRecord: boolean };
  const getDmarcRecord: (domain: string, resolver?: Resolver) => Promise<DmarcRecord | false>;
  export default getDmarcRecord;
}
