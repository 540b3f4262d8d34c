import { describe, expect, it } from 'vitest';
import { discoveryOptionsFromEnv } from '../../../../main/accounts/autoconfig/discovery-options.js';
import { mxHostingDomain } from '../../../../main/accounts/autoconfig/sources/mx-ispdb.js';

describe('discovery settings from the environment', () => {
  it('asks Thunderbird’s public ISPDB and the system’s resolver when nothing is set', () => {
    expect(discoveryOptionsFromEnv({})).toEqual({ ispdbBaseUrl: 'https://autoconfig.thunderbird.net' });
  });

  it('takes MAIL_ISPDB_URL and MAIL_DNS_SERVERS (ip, ip:port, [ipv6]:port, comma-separated)', () => {
    expect(discoveryOptionsFromEnv({ MAIL_ISPDB_URL: 'https://ispdb.internal.test/', MAIL_DNS_SERVERS: '127.0.0.1:5353, ::1, [::1]:53' })).toEqual({
      ispdbBaseUrl: 'https://ispdb.internal.test/',
      dnsServers: ['127.0.0.1:5353', '::1', '[::1]:53'],
    });
  });

  it('refuses a DNS server entry it cannot use rather than quietly falling back to the system’s resolver', () => {
    expect(() => discoveryOptionsFromEnv({ MAIL_DNS_SERVERS: '127.0.0.1, dns.example.test' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('dns.example.test') }),
    );
    expect(() => discoveryOptionsFromEnv({ MAIL_DNS_SERVERS: '127.0.0.1:70000' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('the domain of an MX host', () => {
  it('is its registrable domain by the Public Suffix List', () => {
    expect(mxHostingDomain('aspmx.l.google.com')).toBe('google.com');
    expect(mxHostingDomain('mx1.mail.example.co.uk')).toBe('example.co.uk');
    expect(mxHostingDomain('example-com.mail.protection.outlook.com')).toBe('outlook.com');
  });
});
