// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiscoveredServer, DiscoveryResult, Identity } from '../../shared/schemas.js';
import { AccountSettings } from '../../renderer/features/accounts/AccountSettings.js';
import { SetupWizard } from '../../renderer/features/accounts/SetupWizard.js';
import { testAccount } from '../support/test-account.js';
import { fakeClient, type ScriptedReply } from './fake-client.js';

afterEach(cleanup);

const MAIN: Identity = { id: 'identity-main', name: 'Alice', email: 'alice@example.test' };
const SUPPORT: Identity = { id: 'identity-support', name: 'Support', email: 'support@example.test', replyTo: 'help@example.test', signature: 'The team' };

/** identities.* against a list kept here, as main would keep it. */
function identityReplies(start: Identity[]) {
  let list = [...start];
  let next = 1;
  const replies: Record<string, ScriptedReply> = {
    'identities.list': () => ({ ok: true, value: list }),
    'identities.add': ((input: { identity: Omit<Identity, 'id'> }) => {
      const added = { id: `identity-new-${next++}`, ...input.identity };
      list = [...list, added];
      return { ok: true, value: added };
    }) as ScriptedReply,
    'identities.update': ((input: { identityId: string; identity: Omit<Identity, 'id'> }) => {
      const updated = { id: input.identityId, ...input.identity };
      list = list.map((i) => (i.id === input.identityId ? updated : i));
      return { ok: true, value: updated };
    }) as ScriptedReply,
    'identities.remove': ((input: { identityId: string }) => {
      if (list.length === 1) {
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'An account needs at least one identity to send as: add another before removing this one.' } };
      }
      list = list.filter((i) => i.id !== input.identityId);
      return { ok: true, value: { removed: true } };
    }) as ScriptedReply,
  };
  return { replies, current: () => list };
}

function renderSettings(identities: Identity[] = [MAIN, SUPPORT], more: Record<string, ScriptedReply> = {}) {
  const account = testAccount({ username: 'alice', identities });
  const kept = identityReplies(identities);
  const fake = fakeClient({
    'accounts.update': ((input: { changes: object }) => ({ ok: true, value: { ...account, ...input.changes } })) as ScriptedReply,
    ...kept.replies,
    ...more,
  });
  const onSaved = vi.fn();
  const onClose = vi.fn();
  render(<AccountSettings client={fake.client} account={account} onSaved={onSaved} onClose={onClose} />);
  return { ...fake, account, onSaved, onClose, kept };
}

const settingsForm = () => screen.getByRole('form', { name: 'Account settings' });
const identityList = () => screen.findByRole('list', { name: 'Identities of this account' });

describe('Account settings: the servers', () => {
  it('shows the account’s servers to edit, without a password field, and saves them with accounts.update', async () => {
    const { invoke, account, onSaved } = renderSettings();
    const form = settingsForm();
    expect(within(form).getByRole('heading', { level: 2 }).textContent).toBe('Account settings: alice@example.test');
    expect((within(form).getByLabelText('IMAP server') as HTMLInputElement).value).toBe('imap.example.test');
    expect((within(form).getByLabelText('IMAP port') as HTMLInputElement).value).toBe('993');
    expect((within(form).getByLabelText('SMTP server') as HTMLInputElement).value).toBe('smtp.example.test');
    expect((within(form).getByLabelText('User name') as HTMLInputElement).value).toBe('alice');
    expect(within(form).queryByLabelText('Password')).toBeNull();

    fireEvent.change(within(form).getByLabelText('IMAP server'), { target: { value: 'mail.example.test' } });
    fireEvent.change(within(form).getByLabelText('SMTP port'), { target: { value: '465' } });
    fireEvent.change(within(form).getByLabelText('SMTP security'), { target: { value: 'tls' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('accounts.update', {
      accountId: account.id,
      changes: {
        name: 'Alice',
        email: 'alice@example.test',
        username: 'alice',
        incoming: 'imap',
        imap: { host: 'mail.example.test', port: 993, security: 'tls' },
        smtp: { host: 'smtp.example.test', port: 465, security: 'tls' },
      },
    });
    expect(invoke).not.toHaveBeenCalledWith('accounts.add', expect.anything());
  });

  it('shows and changes the SMTP user name; emptied, SMTP logs in with the incoming user name again', async () => {
    const account = testAccount({ username: 'alice', smtp: { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'alice-relay' } });
    const { client, invoke } = fakeClient({ 'accounts.update': ((input: { changes: object }) => ({ ok: true, value: { ...account, ...input.changes } })) as ScriptedReply, ...identityReplies([MAIN]).replies });
    const onSaved = vi.fn();
    render(<AccountSettings client={client} account={account} onSaved={onSaved} onClose={() => {}} />);
    const field = within(settingsForm()).getByLabelText('SMTP user name') as HTMLInputElement;
    expect(field.value).toBe('alice-relay');
    fireEvent.change(field, { target: { value: 'alice-outgoing' } });
    fireEvent.click(within(settingsForm()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(invoke).toHaveBeenLastCalledWith('accounts.update', expect.objectContaining({ changes: expect.objectContaining({ smtp: { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'alice-outgoing' } }) }));
    fireEvent.change(field, { target: { value: '' } });
    expect(field.placeholder).toBe('alice');
    fireEvent.click(within(settingsForm()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(2));
    expect(invoke).toHaveBeenLastCalledWith('accounts.update', expect.objectContaining({ changes: expect.objectContaining({ smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' } }) }));
  });

  it('shows a refused change where the form is, and Cancel leaves', async () => {
    const { onSaved, onClose } = renderSettings([MAIN], {
      'accounts.update': { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Enter the server name.', details: { field: 'imap.host' } } },
    });
    fireEvent.change(within(settingsForm()).getByLabelText('IMAP server'), { target: { value: ' ' } });
    fireEvent.click(within(settingsForm()).getByRole('button', { name: 'Save' }));
    expect((await within(settingsForm()).findByRole('alert')).textContent).toMatch(/Enter the server name/);
    expect(onSaved).not.toHaveBeenCalled();
    fireEvent.click(within(settingsForm()).getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalled();
  });
});

describe('Account settings: one form', () => {
  const buttonNames = () => within(settingsForm()).getAllByRole('button').map((b) => b.textContent);
  const count = (name: string) => screen.getAllByRole('button', { name }).length;

  it('holds the servers and the identities, with one Save and one Cancel at its end', async () => {
    renderSettings();
    await identityList();
    // The identities are a part of the same form, above its actions.
    expect(within(settingsForm()).getByRole('region', { name: 'Identities' })).toBeTruthy();
    expect(buttonNames().slice(-2)).toEqual(['Save', 'Cancel']);
    expect([count('Save'), count('Cancel')]).toEqual([1, 1]);
    // With an identity open too: still one Save and one Cancel in the whole page.
    fireEvent.click(screen.getByRole('button', { name: 'Add identity' }));
    expect(screen.getByRole('group', { name: 'New identity' })).toBeTruthy();
    expect([count('Save'), count('Cancel')]).toEqual([1, 1]);
    expect(buttonNames().slice(-2)).toEqual(['Save', 'Cancel']);
    expect(document.querySelectorAll('form')).toHaveLength(1);
  });
});

describe('Account settings: identities', () => {
  /** The open identity's fields (a group in the settings form, headed as what it is). */
  const identityGroup = (name: string) => screen.getByRole('group', { name });

  it('lists the identities, the default first', async () => {
    renderSettings();
    const items = within(await identityList()).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('span')!.textContent)).toEqual(['Alice <alice@example.test> (default)', 'Support <support@example.test>']);
  });

  it('adds an identity with a name, an address, a Reply-To and a signature, kept by the form’s Save with the servers', async () => {
    const { invoke, account, onSaved } = renderSettings([MAIN]);
    await identityList();
    fireEvent.click(screen.getByRole('button', { name: 'Add identity' }));
    const group = identityGroup('New identity');
    expect(within(group).getByRole('heading', { name: 'New identity' })).toBeTruthy();
    fireEvent.change(within(group).getByLabelText('Name'), { target: { value: 'Sales' } });
    fireEvent.change(within(group).getByLabelText('Email address'), { target: { value: 'sales@example.test' } });
    fireEvent.change(within(group).getByLabelText('Reply-To'), { target: { value: 'orders@example.test' } });
    fireEvent.change(within(group).getByLabelText('Signature'), { target: { value: 'Sales team\nExample Ltd' } });
    fireEvent.change(within(settingsForm()).getByLabelText('IMAP server'), { target: { value: 'mail.example.test' } });
    expect(invoke).not.toHaveBeenCalledWith('identities.add', expect.anything());
    fireEvent.click(within(settingsForm()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const channels = invoke.mock.calls.map(([channel]) => channel);
    // The identity first, then the servers.
    expect(channels.indexOf('identities.add')).toBeLessThan(channels.indexOf('accounts.update'));
    expect(invoke).toHaveBeenCalledWith('identities.add', {
      accountId: account.id,
      identity: { name: 'Sales', email: 'sales@example.test', replyTo: 'orders@example.test', signature: 'Sales team\nExample Ltd' },
    });
    expect(invoke).toHaveBeenCalledWith('accounts.update', expect.objectContaining({ changes: expect.objectContaining({ imap: { host: 'mail.example.test', port: 993, security: 'tls' } }) }));
  });

  it('shows a refused identity in its fields, keeps them open, and saves nothing else', async () => {
    const { invoke, onSaved } = renderSettings([MAIN], {
      'identities.add': { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'From: “nope” is not a valid email address.' } },
    });
    await identityList();
    fireEvent.click(screen.getByRole('button', { name: 'Add identity' }));
    const group = identityGroup('New identity');
    fireEvent.change(within(group).getByLabelText('Name'), { target: { value: 'X' } });
    fireEvent.change(within(group).getByLabelText('Email address'), { target: { value: 'nope' } });
    fireEvent.submit(settingsForm());
    expect((await within(group).findByRole('alert')).textContent).toMatch(/not a valid email address/);
    expect(identityGroup('New identity')).toBeTruthy();
    expect(invoke).not.toHaveBeenCalledWith('accounts.update', expect.anything());
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('edits an identity, prefilled, and saves it with identities.update (an emptied Reply-To is left out)', async () => {
    const { invoke, account, onSaved } = renderSettings();
    await identityList();
    fireEvent.click(screen.getByRole('button', { name: 'Edit support@example.test' }));
    const group = identityGroup('Identity support@example.test');
    expect(within(group).getByRole('heading', { name: 'Identity support@example.test' })).toBeTruthy();
    expect((within(group).getByLabelText('Name') as HTMLInputElement).value).toBe('Support');
    expect((within(group).getByLabelText('Reply-To') as HTMLInputElement).value).toBe('help@example.test');
    expect((within(group).getByLabelText('Signature') as HTMLTextAreaElement).value).toBe('The team');
    fireEvent.change(within(group).getByLabelText('Name'), { target: { value: 'Customer support' } });
    fireEvent.change(within(group).getByLabelText('Reply-To'), { target: { value: '' } });
    fireEvent.click(within(settingsForm()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('identities.update', {
      accountId: account.id,
      identityId: 'identity-support',
      identity: { name: 'Customer support', email: 'support@example.test', signature: 'The team' },
    });
    expect(screen.queryByRole('group', { name: 'Identity support@example.test' })).toBeNull();
    expect(within(await identityList()).getByText(/Customer support/)).toBeTruthy();
  });

  it('closes an identity opened by mistake without keeping it; Save then saves the servers only', async () => {
    const { invoke, onSaved } = renderSettings([MAIN]);
    await identityList();
    fireEvent.click(screen.getByRole('button', { name: 'Add identity' }));
    fireEvent.click(within(identityGroup('New identity')).getByRole('button', { name: 'Discard new identity' }));
    expect(screen.queryByRole('group', { name: 'New identity' })).toBeNull();
    fireEvent.click(within(settingsForm()).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke).not.toHaveBeenCalledWith('identities.add', expect.anything());
  });

  it('removes an identity only after the confirm step', async () => {
    const { invoke, account, kept } = renderSettings();
    await identityList();
    fireEvent.click(screen.getByRole('button', { name: 'Remove identity support@example.test' }));
    expect(invoke).not.toHaveBeenCalledWith('identities.remove', expect.anything());
    const confirm = screen.getByRole('group', { name: 'Confirm removing support@example.test' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep identity' }));
    expect(invoke).not.toHaveBeenCalledWith('identities.remove', expect.anything());
    fireEvent.click(screen.getByRole('button', { name: 'Remove identity support@example.test' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove support@example.test' }));
    await waitFor(() => expect(kept.current()).toEqual([MAIN]));
    expect(invoke).toHaveBeenCalledWith('identities.remove', { accountId: account.id, identityId: 'identity-support' });
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Identities of this account' })).getAllByRole('listitem')).toHaveLength(1));
  });

  it('says why the last identity cannot be removed', async () => {
    renderSettings([MAIN]);
    await identityList();
    fireEvent.click(screen.getByRole('button', { name: 'Remove identity alice@example.test' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove alice@example.test' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/at least one identity/);
  });
});

describe('the setup wizard and providers that need OAuth2', () => {
  const SOURCE = { kind: 'ispdb' as const, where: 'https://ispdb.test/v1.1/gmail.com' };
  const server = (protocol: DiscoveredServer['protocol'], host: string, port: number, security: DiscoveredServer['security'], authentication: DiscoveredServer['authentication']): DiscoveredServer => ({
    protocol,
    host,
    port,
    security,
    authentication,
    username: 'alice@gmail.com',
    source: SOURCE,
  });
  const found = (authentication: DiscoveredServer['authentication']): DiscoveryResult => ({
    email: 'alice@gmail.com',
    displayName: 'Google Mail',
    source: SOURCE,
    incoming: [server('imap', 'imap.gmail.com', 993, 'tls', authentication)],
    outgoing: [server('smtp', 'smtp.gmail.com', 465, 'tls', authentication)],
    attempts: [{ ...SOURCE, outcome: 'found' }],
  });

  function startWizard(result: DiscoveryResult, addReply: ScriptedReply) {
    const fake = fakeClient({ 'accounts.discover': { ok: true, value: result }, 'accounts.add': addReply });
    const onSaved = vi.fn();
    render(<SetupWizard client={fake.client} onSaved={onSaved} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Alice' } });
    fireEvent.change(screen.getByLabelText('Email address'), { target: { value: 'alice@gmail.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    return { ...fake, onSaved };
  }

  it('offers “Sign in with browser” where the config names OAuth2, and adds the account with auth oauth2 and no password', async () => {
    const saved = testAccount({ email: 'alice@gmail.com', auth: 'oauth2' });
    const { invoke, onSaved } = startWizard(found(['OAuth2', 'password-cleartext']), { ok: true, value: saved });
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with browser' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
    const [, input] = invoke.mock.calls.find(([channel]) => channel === 'accounts.add')!;
    expect(input).toEqual({
      name: 'Alice',
      email: 'alice@gmail.com',
      incoming: 'imap',
      imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
      auth: 'oauth2',
    });
    expect(input).not.toHaveProperty('password');
  });

  it('shows why the browser sign-in failed (declined), and the review stays', async () => {
    startWizard(found(['OAuth2']), {
      ok: false,
      error: { code: 'AUTH_FAILED', message: 'The sign-in to Google was declined in the browser, so the app has no access. Try again and allow access.' },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with browser' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/declined in the browser/);
    expect(screen.getByRole('button', { name: 'Sign in with browser' })).toBeTruthy();
  });

  it('does not offer it where the servers take a password only', async () => {
    startWizard(found(['password-cleartext']), { ok: true, value: testAccount() });
    await screen.findByRole('button', { name: 'Check again' });
    expect(screen.queryByRole('button', { name: 'Sign in with browser' })).toBeNull();
  });
});
