import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { AppError } from '../../../shared/errors.js';

export type SrvTarget = { name: string; port: number; priority: number; weight: number };

const NO_SUCH_RECORD = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/**
 * Every DNS question discovery asks (MX, SRV, and the addresses of the hosts it fetches from
 * and probes) goes through here. With servers given (MAIL_DNS_SERVERS) nothing reaches the
 * system's resolver, not even the host names of HTTPS fetches and probes: `lookup` is handed to
 * the sockets. Without, MX and SRV ask the system's DNS servers and hosts are looked up as every
 * other connection of the app looks them up (getaddrinfo, /etc/hosts included).
 */
export class DiscoveryDns {
  private readonly resolver: dns.Resolver;
  private readonly custom: boolean;

  constructor(servers?: string[], { timeoutMs = 3000, tries = 2 }: { timeoutMs?: number; tries?: number } = {}) {
    this.resolver = new dns.Resolver({ timeout: timeoutMs, tries });
    if (servers) this.resolver.setServers(servers);
    this.custom = servers !== undefined;
  }

  /** True when MAIL_DNS_SERVERS (or a test) named the servers: host names never reach getaddrinfo then. */
  get usesOwnServers(): boolean {
    return this.custom;
  }

  /** The mail exchangers of a domain, the preferred first; none is an empty list, not an error. */
  async mx(domain: string): Promise<string[]> {
    const records = await this.ask(domain, () => this.resolver.resolveMx(domain));
    return records.sort((a, b) => a.priority - b.priority).map((r) => r.exchange.replace(/\.$/, '').toLowerCase());
  }

  /** SRV records of one service name, by priority then weight (heavier first); none is an empty list. */
  async srv(name: string): Promise<SrvTarget[]> {
    const records = await this.ask(name, () => this.resolver.resolveSrv(name));
    return records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  }

  /** The addresses of a host; a name that does not exist is HOST_NOT_FOUND. */
  async addresses(host: string): Promise<string[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    if (isIP(bare)) return [bare];
    if (!this.custom) {
      try {
        return (await dns.lookup(host, { all: true })).map((a) => a.address);
      } catch (error) {
        throw hostNotFound(host, error);
      }
    }
    const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(host), this.resolver.resolve6(host)]);
    const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (found.length) return found;
    const failure = [v4, v6].find((r): r is PromiseRejectedResult => r.status === 'rejected' && !NO_SUCH_RECORD.has(codeOf(r.reason)));
    if (failure) throw dnsError(host, failure.reason);
    throw hostNotFound(host, v4.status === 'rejected' ? v4.reason : undefined);
  }

  /** For net/tls/https `lookup`: undefined (the default lookup) unless servers were given. */
  get lookup(): LookupFunction | undefined {
    if (!this.custom) return undefined;
    return (hostname, options, callback) => {
      this.addresses(hostname).then(
        (found) => {
          const all: LookupAddress[] = found.map((address) => ({ address, family: isIP(address) }));
          const wanted = options.family ? all.filter((a) => a.family === options.family) : all;
          if (wanted.length === 0) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
          if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
          callback(null, wanted[0]!.address, wanted[0]!.family);
        },
        // The codes net/network-errors.ts maps, so a socket's failure reads as any other.
        (error: unknown) => {
          const code = error instanceof AppError && error.code === 'TIMEOUT' ? 'ETIMEDOUT' : 'ENOTFOUND';
          callback(Object.assign(new Error((error as Error).message), { code }), '', 4);
        },
      );
    };
  }

  /** Stops every question still waiting for an answer (discovery is over). */
  cancel(): void {
    this.resolver.cancel();
  }

  private async ask<T>(name: string, query: () => Promise<T[]>): Promise<T[]> {
    try {
      return await query();
    } catch (error) {
      if (NO_SUCH_RECORD.has(codeOf(error))) return [];
      throw dnsError(name, error);
    }
  }
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
}

function hostNotFound(host: string, cause: unknown): AppError {
  return new AppError('HOST_NOT_FOUND', {
    message: `The server “${host}” could not be found. Check the spelling of the server name.`,
    details: { host },
    cause,
  });
}

function dnsError(name: string, error: unknown): AppError {
  const code = codeOf(error);
  if (code === 'ETIMEOUT') {
    return new AppError('TIMEOUT', { message: `The DNS server did not answer in time about ${name}.`, details: { host: name }, cause: error });
  }
  if (code === 'ECANCELLED') return new AppError('TIMEOUT', { message: `The DNS question about ${name} was stopped.`, details: { host: name }, cause: error });
  return new AppError('SERVER_ERROR', {
    message: `The DNS server could not answer about ${name}${code ? ` (${code})` : ''}.`,
    details: { host: name },
    cause: error,
  });
}
