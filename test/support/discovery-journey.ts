import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { configXml, type ServerSpec } from '../main/accounts/autoconfig/support/config-files.js';
import { startLoopbackDns, type LoopbackDns, type ZoneEntry } from '../main/accounts/autoconfig/support/loopback-dns.js';
import { startLoopbackHttps, type LoopbackHttps } from '../main/accounts/autoconfig/support/loopback-https.js';
import { browserJourney, type BrowserJourney } from './browser-journey.js';
import { certificateAuthority } from './certificates.js';
import { testbed } from './testbed.js';

export type DiscoveryJourney = BrowserJourney & {
  readonly ispdb: LoopbackHttps;
  /** Serves this config-v1.1.xml as the ISPDB's entry for the test bed's domain. */
  publish(displayName: string, servers: ServerSpec[]): void;
};

/**
 * A browser journey through the setup wizard, registered for the calling test file: its own
 * ISPDB over HTTPS on `ispdbAddress` (MAIL_ISPDB_URL), a loopback DNS server that names it
 * (MAIL_DNS_SERVERS), the built web app trusting the test bed's CA and this ISPDB's, and
 * Chromium (browser-journey.ts). No question leaves the machine. `env` adds to the web app's
 * environment; it may be worked out once the profile folder exists.
 */
export function discoveryJourney(
  profilePrefix: string,
  ispdbAddress: string,
  {
    env = () => ({}),
    zone = () => ({}),
    prepare,
  }: {
    env?: (dataDir: string) => NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>;
    /** Fills the profile folder before the app starts (browser-journey.ts). */
    prepare?: (dataDir: string) => void | Promise<void>;
    /** More names for the loopback DNS server (discovery's login checks resolve through it). */
    zone?: () => Record<string, ZoneEntry>;
  } = {},
): DiscoveryJourney {
  const ca = certificateAuthority(`Mua ${profilePrefix} CA`);
  let ispdb: LoopbackHttps | undefined;
  let dns: LoopbackDns | undefined;
  const base = browserJourney(profilePrefix, {
    viewport: { width: 1280, height: 900 },
    prepare,
    env: async (dataDir) => {
      ispdb = await startLoopbackHttps(ispdbAddress, ca.issue('ispdb.test'), 0);
      dns = await startLoopbackDns({ 'ispdb.test': { a: [ispdbAddress] }, ...zone() });
      // The app trusts the test bed's CA (the mail servers) and this fixture's (the ISPDB), nothing else.
      const caFile = join(dataDir, 'trusted-cas.pem');
      writeFileSync(caFile, `${readFileSync(testbed().caFile, 'utf8').trim()}\n${ca.cert.trim()}\n`);
      return {
        MAIL_ISPDB_URL: `https://ispdb.test:${ispdb.port}`,
        MAIL_DNS_SERVERS: dns.servers.join(','),
        NODE_EXTRA_CA_CERTS: caFile,
        ...(await env(dataDir)),
      };
    },
  });
  afterAll(async () => {
    await ispdb?.close();
    await dns?.close();
  });
  const theIspdb = () => {
    if (!ispdb) throw new Error('the discovery journey has no ISPDB yet (use it inside a test)');
    return ispdb;
  };
  return Object.defineProperties(Object.create(base) as DiscoveryJourney, {
    ispdb: { get: theIspdb },
    publish: {
      value: (displayName: string, servers: ServerSpec[]) =>
        theIspdb().pages.set(`ispdb.test/v1.1/${testbed().domain}`, { body: configXml(displayName, servers) }),
    },
  });
}
