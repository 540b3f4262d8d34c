import { afterEach, describe, expect, it } from 'vitest';
import { sendAs, appendSignature } from '../../../main/accounts/send-as.js';
import { passwordKey, tokenKey } from '../../../main/accounts/secret-store.js';
import { composeMessage } from '../../../main/mime/compose-message.js';
import { createMailService } from '../../../main/service.js';
import { outgoingMessageSchema, type AccountInput } from '../../../shared/schemas.js';
import { newProfile, value } from '../../support/accounts.js';

process.env.MUA_LOG = 'silent';

/**
 * Several accounts, their identities, editing and removing, and a password that is missing
 * (kept for one session only): through the service's handlers, no server needed (nothing is sent:
 * the undo window is long, and messages are taken back).
 */
const services: Array<ReturnType<typeof createMailService>> = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
});

function service(options: Partial<Parameters<typeof createMailService>[0]> = {}) {
  const profile = newProfile();
  const created = createMailService({ ...profile, outbox: { undoDelayMs: 600_000 }, sync: { idle: false, prefetchDays: 0 }, ...options });
  services.push(created);
  return Object.assign(created, { profile });
}

const input = (who: string): AccountInput => ({
  name: who,
  email: `${who.toLowerCase()}@example.test`,
  password: `${who}-secret-pw`,
  imap: { host: '127.0.0.1', port: 1, security: 'tls' },
  smtp: { host: '127.0.0.1', port: 1, security: 'tls' },
});

describe('identities', () => {
  it('gives each new account one identity from its name and address; several accounts each keep theirs', async () => {
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', input('Alice')));
    const bob = value(await app.client.invoke('accounts.add', input('Bob')));
    expect(value(await app.client.invoke('identities.list', { accountId: alice.id }))).toEqual([
      { id: expect.any(String), name: 'Alice', email: 'alice@example.test' },
    ]);
    expect(value(await app.client.invoke('identities.list', { accountId: bob.id }))[0]!.email).toBe('bob@example.test');
  });

  it('adds, updates and removes identities, refusing to remove the last one', async () => {
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', input('Alice')));
    const support = value(
      await app.client.invoke('identities.add', {
        accountId: alice.id,
        identity: { name: 'Example Support', email: 'support@example.test', replyTo: 'tickets@example.test', signature: 'The support team' },
      }),
    );
    expect(value(await app.client.invoke('accounts.list', {}))[0]!.identities).toHaveLength(2);
    const renamed = value(
      await app.client.invoke('identities.update', { accountId: alice.id, identityId: support.id, identity: { name: 'Help desk', email: 'help@example.test' } }),
    );
    expect(renamed).toEqual({ id: support.id, name: 'Help desk', email: 'help@example.test' });
    const bad = await app.client.invoke('identities.add', { accountId: alice.id, identity: { name: 'X', email: 'not an address' } });
    expect(bad.ok || bad.error.code).toBe('INVALID_ARGUMENT');
    const [first] = value(await app.client.invoke('identities.list', { accountId: alice.id }));
    expect(value(await app.client.invoke('identities.remove', { accountId: alice.id, identityId: first!.id }))).toEqual({ removed: true });
    const last = await app.client.invoke('identities.remove', { accountId: alice.id, identityId: support.id });
    expect(last.ok || last.error.code).toBe('INVALID_ARGUMENT');
  });

  it('sends as the chosen identity: From, Reply-To and its signature appended to the text', async () => {
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', input('Alice')));
    const support = value(
      await app.client.invoke('identities.add', {
        accountId: alice.id,
        identity: { name: 'Example Support', email: 'support@example.test', replyTo: 'tickets@example.test', signature: 'The support team\nexample.test' },
      }),
    );
    const item = value(await app.client.invoke('mail.send', { accountId: alice.id, identityId: support.id, to: ['bob@example.test'], subject: 'Hi', text: 'Hello Bob' }));
    const { draft } = value(await app.client.invoke('outbox.cancel', { id: item.id }));
    expect(draft).toMatchObject({
      from: { name: 'Example Support', address: 'support@example.test' },
      replyTo: ['tickets@example.test'],
      text: 'Hello Bob\n\n-- \nThe support team\nexample.test\n',
    });
    // Sent again after undo: the signature is not doubled.
    expect(appendSignature(draft.text, 'The support team\nexample.test')).toBe(draft.text);
    const unknown = await app.client.invoke('mail.send', { accountId: alice.id, identityId: 'no-such-identity', to: ['bob@example.test'], subject: '', text: '' });
    expect(unknown.ok || unknown.error.code).toBe('NOT_FOUND');
  });

  it('puts the identity in the From header and the envelope sender', () => {
    const account = { id: 'account-0001', name: 'Alice', email: 'alice@example.test', smtp: { host: 'h', port: 465, security: 'tls' as const }, imap: { host: 'h', port: 993, security: 'tls' as const }, sentCopy: 'append' as const };
    const message = sendAs(
      { id: 'identity-1', name: 'Support', email: 'support@example.test', replyTo: 'tickets@example.test' },
      outgoingMessageSchema.parse({ accountId: account.id, to: ['bob@example.test'], subject: 's', text: 't', replyTo: ['given@example.test'] }),
    );
    const composed = composeMessage(account, message);
    expect(composed.from).toEqual({ name: 'Support', address: 'support@example.test' });
    expect(composed.envelope.from).toBe('support@example.test');
    // A Reply-To typed in the message wins over the identity's.
    expect(composed.replyTo).toEqual(['given@example.test']);
    expect(composed.messageId).toMatch(/@example\.test>$/);
  });
});

describe('editing and removing an account', () => {
  it('updates name and servers with the same checks as adding; the default identity follows the name', async () => {
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', input('Alice')));
    const updated = value(
      await app.client.invoke('accounts.update', { accountId: alice.id, changes: { name: 'Alice Liddell', smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' } } }),
    );
    expect(updated).toMatchObject({ name: 'Alice Liddell', smtp: { host: 'smtp.example.test', port: 587 }, imap: { host: '127.0.0.1' } });
    expect(updated.identities![0]).toMatchObject({ name: 'Alice Liddell', email: 'alice@example.test' });
    const badPort = await app.client.invoke('accounts.update', { accountId: alice.id, changes: { smtp: { host: 'h.example.test', port: 70000, security: 'tls' } } });
    expect(badPort.ok || badPort.error.code).toBe('INVALID_ARGUMENT');
    const noServer = await app.client.invoke('accounts.update', { accountId: alice.id, changes: { incoming: 'pop3' } });
    expect(noServer.ok || noServer.error.code).toBe('INVALID_ARGUMENT');
    const pop3 = value(
      await app.client.invoke('accounts.update', { accountId: alice.id, changes: { incoming: 'pop3', pop3: { host: 'pop.example.test', port: 995, security: 'tls' } } }),
    );
    expect(pop3.imap).toBeUndefined();
    expect(pop3.pop3).toMatchObject({ host: 'pop.example.test', leaveOnServer: true });
    const missing = await app.client.invoke('accounts.update', { accountId: 'no-such-account', changes: { name: 'X' } });
    expect(missing.ok || missing.error.code).toBe('NOT_FOUND');
  });

  it('removes an account with its password and tokens', async () => {
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', input('Alice')));
    await app.profile.secrets.set(tokenKey(alice.id), '{"access_token":"t"}');
    expect(value(await app.client.invoke('accounts.remove', { accountId: alice.id }))).toEqual({ removed: true });
    expect(await app.profile.secrets.get(passwordKey(alice.id))).toBeUndefined();
    expect(await app.profile.secrets.get(tokenKey(alice.id))).toBeUndefined();
    expect(value(await app.client.invoke('accounts.list', {}))).toEqual([]);
  });
});

describe('a password that is not stored (kept for the last session only)', () => {
  it('fails with a clear error saying to enter it again, and accounts.setPassword puts it back', async () => {
    const app = service();
    const alice = value(await app.client.invoke('accounts.add', input('Alice')));
    await app.profile.secrets.delete(passwordKey(alice.id));
    const refused = await app.client.invoke('mail.send', { accountId: alice.id, to: ['bob@example.test'], subject: 's', text: 't' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({ code: 'AUTH_FAILED', details: { passwordMissing: 'true', accountId: alice.id } });
    expect(refused.error.message).toMatch(/Enter it again/);
    expect(value(await app.client.invoke('accounts.setPassword', { accountId: alice.id, password: 'new-pw' }))).toEqual({ saved: true });
    expect(await app.profile.secrets.get(passwordKey(alice.id))).toBe('new-pw');
    expect((await app.client.invoke('mail.send', { accountId: alice.id, to: ['bob@example.test'], subject: 's', text: 't' })).ok).toBe(true);
  });

  it('app.status tells where secrets are kept, reports a settings file that was put aside, and names the shell', async () => {
    const app = service({ settingsProblem: { message: 'The settings file could not be used.', backupFile: '/p/settings.json.corrupt-x' } });
    expect(value(await app.client.invoke('app.status', {}))).toEqual({
      secretStorage: { kind: 'memory', notice: expect.stringMatching(/memory for this session/) },
      settingsProblem: { message: 'The settings file could not be used.', backupFile: '/p/settings.json.corrupt-x' },
      // Built without saying otherwise (npm run web): a browser tab, which notifies by itself.
      shell: 'web',
    });
    expect(value(await service({ shell: 'electron' }).client.invoke('app.status', {})).shell).toBe('electron');
  });
});
