import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { configXml, type ServerSpec } from '../main/accounts/autoconfig/support/config-files.js';
import { startLoopbackDns, type LoopbackDns, type ZoneEntry } from '../main/accounts/autoconfig/support/loopback-dns.js';
import { startLoopbackHttps, type LoopbackHttps } from '../main/accounts/autoconfig/support/loopback-https.js';
import { ARTIFACTS } from './browser-journey.js';
import { certificateAuthority } from './certificates.js';
import { launchChromium } from './chromium.js';
import { testbed } from './testbed.js';
import { startWebApp, type WebApp } from './web-app.js';

export type DiscoveryJourney = {
  readonly app: WebApp;
  readonly browser: Browser;
  readonly page: Page;
  readonly dataDir: string;
  readonly ispdb: LoopbackHttps;
  /** Requests the page made anywhere but the app's own origin. */
  readonly foreignRequests: readonly string[];
  /** Serves this config-v1.1.xml as the ISPDB's entry for the test bed's domain. */
  publish(displayName: string, servers: ServerSpec[]): void;
};

/**
 * A browser journey through the setup wizard, registered for the calling test file: its own
 * ISPDB over HTTPS on `ispdbAddress` (MAIL_ISPDB_URL), a loopback DNS server that names it
 * (MAIL_DNS_SERVERS), the built web app trusting the test bed's CA and this ISPDB's, and
 * Chromium. No question leaves the machine. `env` adds to the web app's environment; it may be
 * worked out once the fixture's folder exists.
 */
export function discoveryJourney(
  profilePrefix: string,
  ispdbAddress: string,
  {
    env = () => ({}),
    zone = () => ({}),
  }: {
    env?: (dataDir: string) => NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>;
    /** More names for the loopback DNS server (discovery's login checks resolve through it). */
    zone?: () => Record<string, ZoneEntry>;
  } = {},
): DiscoveryJourney {
  const ca = certificateAuthority(`Mua ${profilePrefix} CA`);
  let app: WebApp | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let dataDir: string | undefined;
  let ispdb: LoopbackHttps | undefined;
  let dns: LoopbackDns | undefined;
  const foreignRequests: string[] = [];
  beforeAll(async () => {
    const bed = testbed();
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), profilePrefix));
    ispdb = await startLoopbackHttps(ispdbAddress, ca.issue('ispdb.test'), 0);
    dns = await startLoopbackDns({ 'ispdb.test': { a: [ispdbAddress] }, ...zone() });
    // The app trusts the test bed's CA (the mail servers) and this fixture's (the ISPDB), nothing else.
    const caFile = join(dataDir, 'trusted-cas.pem');
    writeFileSync(caFile, `${readFileSync(bed.caFile, 'utf8').trim()}\n${ca.cert.trim()}\n`);
    const started = await startWebApp(dataDir, {
      MAIL_ISPDB_URL: `https://ispdb.test:${ispdb.port}`,
      MAIL_DNS_SERVERS: dns.servers.join(','),
      NODE_EXTRA_CA_CERTS: caFile,
      ...(await env(dataDir)),
    });
    app = started;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(started.origin) && !url.startsWith(started.origin.replace('http', 'ws'))) foreignRequests.push(url);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await ispdb?.close();
    await dns?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the discovery journey has no ${what} yet (use it inside a test)`);
    return value;
  };
  return {
    get app() {
      return ready(app, 'app');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get page() {
      return ready(page, 'page');
    },
    get dataDir() {
      return ready(dataDir, 'profile folder');
    },
    get ispdb() {
      return ready(ispdb, 'ISPDB');
    },
    foreignRequests,
    publish(displayName, servers) {
      ready(ispdb, 'ISPDB').pages.set(`ispdb.test/v1.1/${testbed().domain}`, { body: configXml(displayName, servers) });
    },
  };
}
