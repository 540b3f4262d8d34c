import type { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { connectImap } from '../../main/imap/connect.js';
import type { Account } from '../../shared/schemas.js';
import { inMemoryService, newProfile, testbedAccount, value, type Profile } from './accounts.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { testbed } from './testbed.js';

export type App = ReturnType<typeof inMemoryService>;
type SyncOptions = Parameters<typeof inMemoryService>[2];

/** A logged-in connection of a test bed user's own, beside the app: the server's view. */
export function directConnection(who: 'alice' | 'bob' | 'carol'): Promise<ImapFlow> {
  return connectImap({ ...testbedAccount(who), id: `${who}-direct` } as unknown as Account, testbedAccount(who).password!);
}

/**
 * The setup of the sync specifications: Carol's account, as the app reaches it, goes through a
 * fault proxy to the test bed's Dovecot (so a test can take the server "offline"); `direct` is
 * Carol's own connection beside it. Each app a test makes is stopped after it, and the proxy is
 * back to normal for the next test.
 */
export function carolThroughProxy() {
  const fixture = {
    proxy: undefined as unknown as FaultProxy,
    direct: undefined as unknown as ImapFlow,
    /** Run after the current test (apps to stop, connections to close). */
    stops: [] as (() => Promise<void>)[],
    /** The whole service with Carol's account through the proxy (on a given profile, or a new one). */
    async app(sync: SyncOptions = {}, profile: Profile = newProfile()) {
      const app = inMemoryService({}, profile, { idle: false, actionRetry: { firstDelayMs: 50, maxDelayMs: 200 }, ...sync });
      fixture.stops.push(() => app.stop());
      const existing = value(await app.client.invoke('accounts.list', {}))[0];
      const account =
        existing ?? value(await app.client.invoke('accounts.add', { ...testbedAccount('carol'), imap: { host: '127.0.0.1', port: fixture.proxy.port, security: 'tls' } }));
      return { app, account };
    },
  };
  beforeAll(async () => {
    fixture.proxy = await startFaultProxy({ target: { host: testbed().imap.host, port: testbed().imap.tlsPort } });
    fixture.direct = await directConnection('carol');
  });
  afterAll(async () => {
    await fixture.direct.logout();
    await fixture.proxy.close();
  });
  afterEach(async () => {
    fixture.proxy.accept();
    fixture.proxy.clear();
    for (const stop of fixture.stops.splice(0)) await stop();
  });
  return fixture;
}
