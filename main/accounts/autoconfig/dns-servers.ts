import { isIP } from 'node:net';
import { AppError } from '../../../shared/errors.js';

/**
 * Reads MAIL_DNS_SERVERS: comma-separated "ip", "ip:port", "[ipv6]" or "[ipv6]:port", in the
 * form node:dns's Resolver.setServers takes. Empty or unset: the system's resolver. A bad entry
 * is an error rather than skipped, since quietly falling back to the system's resolver is what
 * the setting exists to prevent (tests must never reach a real one).
 */
export function parseDnsServers(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((entry) => {
    const server = entry.trim();
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(server);
    const withPort = /^([^:]+):(\d{1,5})$/.exec(server);
    const [ip, port] = bracketed ? [bracketed[1]!, bracketed[2]] : withPort ? [withPort[1]!, withPort[2]] : [server, undefined];
    const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
    if (!isIP(ip) || !portOk || (bracketed && isIP(ip) !== 6)) {
      throw new AppError('INVALID_ARGUMENT', { message: `MAIL_DNS_SERVERS: “${server}” is not an IP address with an optional port.` });
    }
    return server;
  });
}
