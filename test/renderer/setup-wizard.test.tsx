// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/contract.js';
import type { AppErrorDto } from '../../shared/errors.js';
import type { DiscoveredServer, DiscoveryResult, ServerCheck } from '../../shared/schemas.js';
import { SetupWizard } from '../../renderer/features/accounts/SetupWizard.js';
import { testAccount } from '../support/test-account.js';
import { fakeClient, type ScriptedReply } from './fake-client.js';
import { fill, valueOf } from './form.js';

afterEach(cleanup);

const ISPDB = { kind: 'ispdb' as const, where: 'https://ispdb.test/v1.1/example.test' };
/** What accounts.add answers: the account as found (imap.example.test:993, smtp.example.test:587). */
const SAVED = testAccount();

function server(protocol: DiscoveredServer['protocol'], host: string, port: number, security: DiscoveredServer['security'], more: Partial<DiscoveredServer> = {}): DiscoveredServer {
  return { protocol, host, port, security, authentication: ['password-cleartext'], username: 'alice@example.test', source: ISPDB, ...more };
}

const IMAP = server('imap', 'imap.example.test', 993, 'tls', { username: 'alice' });
const SMTP = server('smtp', 'smtp.example.test', 587, 'starttls', { username: 'alice' });
const ok = (s: DiscoveredServer): ServerCheck => ({ protocol: s.protocol, host: s.host, port: s.port, outcome: 'ok' });
const failed = (s: DiscoveredServer, error: AppErrorDto): ServerCheck => ({ protocol: s.protocol, host: s.host, port: s.port, outcome: 'failed', error });

function result(more: Partial<DiscoveryResult> = {}): DiscoveryResult {
  return {
    email: 'alice@example.test',
    displayName: 'Example Mail',
    source: ISPDB,
    incoming: [IMAP],
    outgoing: [SMTP],
    attempts: [
      { kind: 'provider', where: 'https://autoconfig.example.test/mail/config-v1.1.xml', outcome: 'not-found' },
      { ...ISPDB, outcome: 'found' },
      { kind: 'guess', where: 'example.test', outcome: 'not-needed' },
    ],
    verification: { incoming: [ok(IMAP)], outgoing: [ok(SMTP)] },
    ...more,
  };
}

/** Renders the wizard, types the first step and presses Continue. */
function start(replies: Record<string, ScriptedReply>) {
  const fake = fakeClient({ 'accounts.add': { ok: true, value: SAVED }, ...replies });
  const onSaved = vi.fn();
  render(<SetupWizard client={fake.client} onSaved={onSaved} />);
  fill('Name', 'Alice');
  fill('Email address', 'alice@example.test');
  fill('Password', 'pw');
  fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
  return { ...fake, onSaved };
}


/** What Save asks for after the review's servers were kept and the SMTP port set to 2587. */
const addedWithSmtpPort2587 = (name: string) => ({
  name,
  email: 'alice@example.test',
  password: 'pw',
  username: 'alice',
  incoming: 'imap',
  imap: { host: 'imap.example.test', port: 993, security: 'tls' },
  smtp: { host: 'smtp.example.test', port: 2587, security: 'starttls' },
});
describe('the setup wizard’s first step', () => {
  it('asks only for a name, an address and a password, with Continue and “Set up manually”', () => {
    render(<SetupWizard client={fakeClient({}).client} onSaved={() => {}} />);
    expect(screen.getByRole('heading', { name: 'Add account' })).toBeTruthy();
    // The only inputs: two text fields and the password.
    expect(screen.getAllByRole('textbox').map(labelOf)).toEqual(['Name', 'Email address']);
    expect(document.querySelectorAll('input, select')).toHaveLength(3);
    for (const label of ['Name', 'Email address', 'Password']) expect(screen.getByLabelText(label)).toBeTruthy();
    expect((screen.getByLabelText('Password') as HTMLInputElement).type).toBe('password');
    expect(screen.queryByLabelText('IMAP server')).toBeNull();
    expect(screen.queryByLabelText('SMTP server')).toBeNull();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Set up manually' })).toBeTruthy();
  });

  it('shows progress while looking, and asks discovery with the address and password', async () => {
    let answer!: (reply: Reply<DiscoveryResult>) => void;
    const pending = new Promise<Reply<DiscoveryResult>>((resolve) => (answer = resolve));
    const { invoke } = start({ 'accounts.discover': (() => pending) as unknown as ScriptedReply });
    expect(screen.getByRole('status').textContent).toContain('Looking up the settings for example.test');
    expect((screen.getByRole('button', { name: 'Continue' }) as HTMLButtonElement).disabled).toBe(true);
    expect(invoke).toHaveBeenCalledWith('accounts.discover', { email: 'alice@example.test', password: 'pw' });
    answer({ ok: true, value: result() });
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('goes to the blank manual form, keeping what was typed', () => {
    render(<SetupWizard client={fakeClient({}).client} onSaved={() => {}} />);
    fill('Name', 'Alice');
    fill('Email address', 'alice@example.test');
    fireEvent.click(screen.getByRole('button', { name: 'Set up manually' }));
    expect(screen.getByRole('heading', { name: 'Add account' })).toBeTruthy();
    expect([valueOf('Name'), valueOf('Email address'), valueOf('IMAP server'), valueOf('SMTP server')]).toEqual(['Alice', 'alice@example.test', '', '']);
    expect(screen.getByLabelText('Incoming protocol')).toBeTruthy();
  });
});

function labelOf(element: HTMLElement): string {
  return document.querySelector(`label[for="${element.id}"]`)?.textContent ?? '';
}

describe('the review of found settings', () => {
  it('prefills the form with what was found, says where from and what worked, and saves it', async () => {
    const { invoke, onSaved } = start({ 'accounts.discover': { ok: true, value: result() } });
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect([valueOf('IMAP server'), valueOf('IMAP port'), valueOf('IMAP security')]).toEqual(['imap.example.test', '993', 'tls']);
    expect([valueOf('SMTP server'), valueOf('SMTP port'), valueOf('SMTP security')]).toEqual(['smtp.example.test', '587', 'starttls']);
    expect(valueOf('User name')).toBe('alice');
    expect([valueOf('Name'), valueOf('Email address'), valueOf('Password')]).toEqual(['Alice', 'alice@example.test', 'pw']);
    const found = screen.getByRole('region', { name: 'What was found' });
    expect(found.textContent).toContain('Found settings for Example Mail in the Thunderbird ISPDB (https://ispdb.test/v1.1/example.test)');
    const rows = within(screen.getByRole('list', { name: 'Servers found' })).getAllByRole('listitem').map((li) => li.textContent);
    expect(rows[0]).toMatch(/IMAP imap\.example\.test:993, SSL\/TLS, user alice — from the Thunderbird ISPDB; login worked \(used below\)/);
    expect(rows[1]).toMatch(/SMTP smtp\.example\.test:587, STARTTLS, user alice — from the Thunderbird ISPDB; login worked/);
    expect(found.textContent).toContain('the provider’s configuration file (https://autoconfig.example.test/mail/config-v1.1.xml): nothing there');
    expect(screen.queryByRole('alert')).toBeNull();

    fill('SMTP port', '2587');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(SAVED));
    expect(invoke).toHaveBeenCalledWith('accounts.add', addedWithSmtpPort2587('Alice'));
  });

  it('leaves the user name out when it is the address', async () => {
    const { invoke, onSaved } = start({
      'accounts.discover': { ok: true, value: result({ incoming: [{ ...IMAP, username: 'alice@example.test' }], outgoing: [{ ...SMTP, username: 'alice@example.test' }] }) },
    });
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect(valueOf('User name')).toBe('');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke.mock.calls.find(([channel]) => channel === 'accounts.add')?.[1]).not.toHaveProperty('username');
  });

  it('prefills a POP3 server with the provider’s leave-on-server hints', async () => {
    const pop3 = server('pop3', 'pop.example.test', 995, 'tls', { pop3: { leaveMessagesOnServer: true, daysToLeaveMessagesOnServer: 14 } });
    const { invoke, onSaved } = start({
      'accounts.discover': { ok: true, value: result({ incoming: [pop3], verification: { incoming: [ok(pop3)], outgoing: [ok(SMTP)] } }) },
    });
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect(valueOf('Incoming protocol')).toBe('pop3');
    expect([valueOf('POP3 server'), valueOf('POP3 port'), valueOf('POP3 security')]).toEqual(['pop.example.test', '995', 'tls']);
    expect((screen.getByRole('checkbox', { name: 'Leave messages on server' }) as HTMLInputElement).checked).toBe(true);
    expect(valueOf('Delete from server after (days)')).toBe('14');
    expect(screen.getAllByRole('note').map((n) => n.textContent)).toContain('The provider suggests leaving messages on the server for 14 days.');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith(
      'accounts.add',
      expect.objectContaining({
        incoming: 'pop3',
        pop3: { host: 'pop.example.test', port: 995, security: 'tls', leaveOnServer: true, deleteAfterDays: 14, deleteWhenDeletedLocally: false },
      }),
    );
  });

  it('prefers the incoming server whose login worked', async () => {
    const plain = server('imap', 'old.example.test', 143, 'starttls');
    const notFound = { code: 'HOST_NOT_FOUND' as const, message: 'The server “old.example.test” could not be found.' };
    start({
      'accounts.discover': { ok: true, value: result({ incoming: [plain, IMAP], verification: { incoming: [failed(plain, notFound), ok(IMAP)], outgoing: [ok(SMTP)] } }) },
    });
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect(valueOf('IMAP server')).toBe('imap.example.test');
    // A later server that worked makes the earlier failure no cause for alarm.
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps “Set up manually” one click away, opening with the servers found and the edits made in the review', async () => {
    const { invoke, onSaved } = start({ 'accounts.discover': { ok: true, value: result() } });
    await screen.findByRole('heading', { name: 'Review your settings' });
    fill('SMTP port', '2587');
    fill('Name', 'Alice Example');
    fireEvent.click(screen.getByRole('button', { name: 'Set up manually' }));
    expect(screen.getByRole('heading', { name: 'Add account' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'What was found' })).toBeNull();
    expect([valueOf('Name'), valueOf('Email address'), valueOf('Password'), valueOf('User name')]).toEqual(['Alice Example', 'alice@example.test', 'pw', 'alice']);
    expect([valueOf('IMAP server'), valueOf('IMAP port'), valueOf('IMAP security')]).toEqual(['imap.example.test', '993', 'tls']);
    expect([valueOf('SMTP server'), valueOf('SMTP port'), valueOf('SMTP security')]).toEqual(['smtp.example.test', '2587', 'starttls']);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(SAVED));
    expect(invoke).toHaveBeenCalledWith('accounts.add', addedWithSmtpPort2587('Alice Example'));
  });

  it('opens the manual form with a POP3 server found as POP3, its hints kept', async () => {
    const pop3 = server('pop3', 'pop.example.test', 995, 'tls', { pop3: { leaveMessagesOnServer: true, daysToLeaveMessagesOnServer: 14 } });
    start({ 'accounts.discover': { ok: true, value: result({ incoming: [pop3], verification: { incoming: [ok(pop3)], outgoing: [ok(SMTP)] } }) } });
    await screen.findByRole('heading', { name: 'Review your settings' });
    fireEvent.click(screen.getByRole('button', { name: 'Set up manually' }));
    expect(valueOf('Incoming protocol')).toBe('pop3');
    expect([valueOf('POP3 server'), valueOf('POP3 port'), valueOf('Delete from server after (days)')]).toEqual(['pop.example.test', '995', '14']);
  });
});

describe('the setup wizard’s errors', () => {
  it('says when nothing was found, lists the places asked, and offers manual settings', async () => {
    start({ 'accounts.discover': { ok: true, value: result({ source: null, incoming: [], outgoing: [], verification: undefined }) } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No server settings were found for example.test');
    expect(alert.textContent).toContain('“Set up manually”');
    expect(screen.getByText('Places asked')).toBeTruthy();
    expect(screen.queryByLabelText('IMAP server')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Set up manually' }));
    expect(valueOf('IMAP server')).toBe('');
    expect(valueOf('Email address')).toBe('alice@example.test');
  });

  it('shows a refused lookup in an alert on the first step', async () => {
    start({ 'accounts.discover': { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'MAIL_DNS_SERVERS: “x” is not an IP address with an optional port.' } } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('MAIL_DNS_SERVERS');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeTruthy();
  });

  it('says the password was refused, with the server’s words, and what to do', async () => {
    const refused = { code: 'AUTH_FAILED' as const, message: 'The server did not accept the user name or password. Check them and try again.', serverReply: 'NO [AUTHENTICATIONFAILED] Authentication failed.' };
    start({
      'accounts.discover': {
        ok: true,
        value: result({ verification: { incoming: [failed(IMAP, refused)], outgoing: [failed(SMTP, { ...refused, serverReply: '535 5.7.8 Error: authentication failed' })] } }),
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('IMAP server imap.example.test:993: The server did not accept the user name or password.');
    expect(alert.textContent).toContain('Correct the password (or the user name) below, then save.');
    expect(alert.textContent).toContain('Server said: NO [AUTHENTICATIONFAILED] Authentication failed.');
    expect(alert.textContent).toContain('Server said: 535 5.7.8');
    // The settings are still there to correct.
    expect(valueOf('IMAP server')).toBe('imap.example.test');
    expect(within(screen.getByRole('list', { name: 'Servers found' })).getAllByRole('listitem')[0]!.textContent).toContain('login failed');
  });

  it('checks the corrected settings again (accounts.verify), and the alert goes once they work', async () => {
    const refused = { code: 'AUTH_FAILED' as const, message: 'The server did not accept the user name or password. Check them and try again.' };
    const { invoke } = start({
      'accounts.discover': { ok: true, value: result({ verification: { incoming: [failed(IMAP, refused)], outgoing: [failed(SMTP, refused)] } }) },
      'accounts.verify': { ok: true, value: { incoming: ok(IMAP), outgoing: ok({ ...SMTP, port: 465 }) } },
    });
    await screen.findByRole('alert');
    fill('Password', 'right');
    fill('SMTP security', 'tls');
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    const checked = await screen.findByRole('list', { name: 'Checked again' });
    expect(within(checked).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'IMAP imap.example.test:993: login worked',
      'SMTP smtp.example.test:465: login worked',
    ]);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(invoke).toHaveBeenCalledWith('accounts.verify', {
      email: 'alice@example.test',
      password: 'right',
      incoming: { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'alice', authentication: ['password-cleartext'] },
      outgoing: { protocol: 'smtp', host: 'smtp.example.test', port: 465, security: 'tls', username: 'alice', authentication: ['password-cleartext'] },
    });
  });

  it('says a host was not found', async () => {
    const notFound = { code: 'HOST_NOT_FOUND' as const, message: 'The server “imap.example.test” could not be found. Check the spelling of the server name.' };
    start({ 'accounts.discover': { ok: true, value: result({ verification: { incoming: [failed(IMAP, notFound)], outgoing: [ok(SMTP)] } }) } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('could not be found');
    expect(alert.textContent).toContain('Correct the server name below');
  });

  it('shows an untrusted certificate’s subject, issuer, validity and fingerprint, and pins it for the new account on Save', async () => {
    const fingerprint256 = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
    const untrusted: AppErrorDto = {
      code: 'TLS_UNTRUSTED',
      message: 'The certificate of imap.example.test (IMAP, port 993) is not trusted: it is self-signed, so no authority vouches for it.',
      details: {
        host: 'imap.example.test',
        port: '993',
        protocol: 'imap',
        reason: 'self-signed',
        fingerprint256,
        subject: 'O=Example, CN=imap.example.test',
        issuer: 'O=Example, CN=imap.example.test',
        validFrom: 'Jan  1 00:00:00 2026 GMT',
        validTo: 'Jan  1 00:00:00 2027 GMT',
      },
    };
    const { invoke, onSaved } = start({
      'accounts.discover': { ok: true, value: result({ verification: { incoming: [failed(IMAP, untrusted)], outgoing: [ok(SMTP)] } }) },
      'accounts.trustCertificate': { ok: true, value: { ...SAVED, pinned: true } },
    });
    const alert = await screen.findByRole('alert');
    for (const fact of ['is not trusted', 'Issued toO=Example, CN=imap.example.test', 'Issued byO=Example', 'ValidJan  1 00:00:00 2026 GMT – Jan  1 00:00:00 2027 GMT', `SHA-256 fingerprint${fingerprint256}`]) {
      expect(alert.textContent).toContain(fact);
    }
    fireEvent.click(within(alert).getByRole('button', { name: 'Trust this certificate' }));
    expect(alert.textContent).toContain('This certificate will be trusted for imap.example.test when you save.');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith({ ...SAVED, pinned: true }));
    expect(invoke).toHaveBeenCalledWith('accounts.trustCertificate', { accountId: SAVED.id, protocol: 'imap', host: 'imap.example.test', fingerprint256 });
  });
});

describe('the first step without a password', () => {
  /** The first step with the password left empty, then Continue. */
  function startWithoutPassword(found: DiscoveryResult, more: Record<string, ScriptedReply> = {}) {
    const fake = fakeClient({ 'accounts.discover': { ok: true, value: found }, 'accounts.add': { ok: true, value: SAVED }, ...more });
    const onSaved = vi.fn();
    render(<SetupWizard client={fake.client} onSaved={onSaved} />);
    fill('Name', 'Alice');
    fill('Email address', 'alice@example.test');
    expect((screen.getByLabelText('Password') as HTMLInputElement).required).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    return { ...fake, onSaved };
  }
  const oauthOnly = (s: DiscoveredServer): DiscoveredServer => ({ ...s, authentication: ['OAuth2'] });
  const unchecked = { verification: undefined };

  it('looks the settings up without logging in, and says only that while it looks', async () => {
    let answer!: (reply: Reply<DiscoveryResult>) => void;
    const pending = new Promise<Reply<DiscoveryResult>>((resolve) => (answer = resolve));
    const { invoke } = startWithoutPassword(result(unchecked), { 'accounts.discover': (() => pending) as unknown as ScriptedReply });
    expect(screen.getByRole('status').textContent).toBe('Looking up the settings for example.test…');
    expect(invoke).toHaveBeenCalledWith('accounts.discover', { email: 'alice@example.test' });
    answer({ ok: true, value: result(unchecked) });
    await screen.findByRole('heading', { name: 'Review your settings' });
  });

  it('where the config names OAuth2, offers “Sign in with browser” instead of asking for the password', async () => {
    const { invoke } = startWithoutPassword(result({ ...unchecked, incoming: [oauthOnly(IMAP)], outgoing: [oauthOnly(SMTP)] }));
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect(screen.getByRole('button', { name: 'Sign in with browser' })).toBeTruthy();
    expect(screen.getAllByRole('note').map((n) => n.textContent)).toContain(
      'This provider asks you to sign in with your browser: choose “Sign in with browser”. Your password is then not kept by the app.',
    );
    // Not asked for: neither required nor nagged about.
    expect(screen.getByLabelText('Password').getAttribute('aria-required')).toBe('false');
    expect(screen.queryByText(/Enter your password below/)).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    // Save without one points to the browser sign-in (an app password would also do).
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Example Mail signs in with the browser: choose “Sign in with browser”. To use a password instead (an app password from your provider), enter it, then save.',
    );
    expect(invoke).not.toHaveBeenCalledWith('accounts.add', expect.anything());
  });

  it('where the servers take a password, the review asks for it, and Save without it says so in an alert', async () => {
    const { invoke, onSaved } = startWithoutPassword(result(unchecked));
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect(screen.queryByRole('button', { name: 'Sign in with browser' })).toBeNull();
    const password = screen.getByLabelText('Password') as HTMLInputElement;
    expect(password.getAttribute('aria-required')).toBe('true');
    expect(screen.getAllByRole('note').map((n) => n.textContent)).toContain(
      'Enter your password below: it was not checked yet. “Check again” logs in with it; Save keeps the account.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter the password for alice@example.test: its server logs in with a password.');
    expect(document.activeElement).toBe(password);
    expect(invoke).not.toHaveBeenCalledWith('accounts.add', expect.anything());

    fill('Password', 'typed-later');
    expect(screen.queryByText(/Enter your password below/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(SAVED));
    expect(invoke).toHaveBeenCalledWith('accounts.add', expect.objectContaining({ password: 'typed-later' }));
  });
});

describe('a certificate trusted in the review, then the server edited', () => {
  const fingerprint = (seed: number) => Array.from({ length: 32 }, (_, i) => ((i * seed) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const untrustedAt = (host: string, fingerprint256: string): AppErrorDto => ({
    code: 'TLS_UNTRUSTED',
    message: `The certificate of ${host} (IMAP, port 993) is not trusted: it was issued for another name.`,
    details: { host, port: '993', protocol: 'imap', reason: 'hostname-mismatch', fingerprint256, subject: 'CN=mail.example.test', issuer: 'CN=Example CA', validFrom: 'Jan  1 2026', validTo: 'Jan  1 2027' },
  });
  const MOVED = { ...IMAP, host: 'mail.example.test' };

  /** The review with imap.example.test's certificate refused, trusted by the person, then the IMAP server edited. */
  async function trustedThenEdited(more: Record<string, ScriptedReply> = {}) {
    const fake = start({
      'accounts.discover': { ok: true, value: result({ verification: { incoming: [failed(IMAP, untrustedAt(IMAP.host, fingerprint(7)))], outgoing: [ok(SMTP)] } }) },
      'accounts.add': { ok: true, value: testAccount({ imap: { host: MOVED.host, port: 993, security: 'tls' } }) },
      ...more,
    });
    const alert = await screen.findByRole('alert');
    fireEvent.click(within(alert).getByRole('button', { name: 'Trust this certificate' }));
    expect(alert.textContent).toContain('This certificate will be trusted for imap.example.test when you save.');
    fill('IMAP server', MOVED.host);
    return fake;
  }

  it('says the trust stays with the server it was shown for, and Save pins nothing for the new one', async () => {
    const { invoke, onSaved } = await trustedThenEdited();
    const alerts = screen.getAllByRole('alert').map((a) => a.textContent);
    expect(alerts).toContain(
      'You trusted the certificate of imap.example.test:993 (IMAP), and it is trusted for that server only. The IMAP server is now mail.example.test:993, so that certificate will not be trusted for it: choose “Check again” to see the certificate of mail.example.test.',
    );
    expect(screen.queryByText(/will be trusted for imap\.example\.test when you save/)).toBeNull();
    // The old server's certificate is still shown, but no longer offered to trust.
    expect(screen.queryByRole('button', { name: 'Trust this certificate' })).toBeNull();
    expect(screen.getByText('The server entered below is no longer imap.example.test:993, so this certificate is not offered to trust.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke.mock.calls.filter(([channel]) => channel === 'accounts.trustCertificate')).toEqual([]);
  });

  it('shows the new server’s certificate after “Check again”, and pins exactly that one for exactly that server', async () => {
    const { invoke, onSaved } = await trustedThenEdited({
      'accounts.verify': { ok: true, value: { incoming: failed(MOVED, untrustedAt(MOVED.host, fingerprint(11))), outgoing: ok(SMTP) } },
      'accounts.trustCertificate': { ok: true, value: testAccount({ imap: { host: MOVED.host, port: 993, security: 'tls' } }) },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    const newFacts = await screen.findByLabelText('Certificate of mail.example.test');
    expect(newFacts.textContent).toContain(fingerprint(11));
    fireEvent.click(screen.getByRole('button', { name: 'Trust this certificate' }));
    await screen.findByText('This certificate will be trusted for mail.example.test when you save.');
    // The old server's trust is replaced, so nothing is left behind to warn about.
    expect(screen.queryByText(/You trusted the certificate of imap\.example\.test/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke.mock.calls.filter(([channel]) => channel === 'accounts.trustCertificate').map(([, input]) => input)).toEqual([
      { accountId: SAVED.id, protocol: 'imap', host: 'mail.example.test', fingerprint256: fingerprint(11) },
    ]);
  });
});

describe('an SMTP login name of its own', () => {
  it('is prefilled where the provider names another SMTP login, checked with it, and saved with it', async () => {
    const { invoke, onSaved } = start({
      'accounts.discover': { ok: true, value: result({ outgoing: [{ ...SMTP, username: 'alice-send' }], verification: { incoming: [ok(IMAP)], outgoing: [ok(SMTP)] } }) },
      'accounts.verify': { ok: true, value: { incoming: ok(IMAP), outgoing: ok(SMTP) } },
    });
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect([valueOf('User name'), valueOf('SMTP user name')]).toEqual(['alice', 'alice-send']);
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await screen.findByRole('list', { name: 'Checked again' });
    expect(invoke).toHaveBeenCalledWith(
      'accounts.verify',
      expect.objectContaining({ incoming: expect.objectContaining({ username: 'alice' }), outgoing: expect.objectContaining({ username: 'alice-send' }) }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('accounts.add', expect.objectContaining({ username: 'alice', smtp: { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'alice-send' } }));
  });

  it('is left empty (the incoming login) where the provider names the same one', async () => {
    start({ 'accounts.discover': { ok: true, value: result() } });
    await screen.findByRole('heading', { name: 'Review your settings' });
    expect(valueOf('SMTP user name')).toBe('');
    expect((screen.getByLabelText('SMTP user name') as HTMLInputElement).placeholder).toBe('alice');
  });
});
