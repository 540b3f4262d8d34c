// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppNotices } from '../../renderer/features/accounts/AppNotices.js';
import { DomainCheck } from '../../renderer/features/accounts/DomainCheck.js';
import { isSignInRequired, PasswordPrompt, SignInPrompt } from '../../renderer/features/accounts/PasswordPrompt.js';
import { RemoveAccount } from '../../renderer/features/accounts/RemoveAccount.js';
import { Compose } from '../../renderer/features/compose/Compose.js';
import { EMPTY_DRAFT } from '../../renderer/features/compose/reply-draft.js';
import { testAccount } from '../support/test-account.js';
import { fakeClient } from './fake-client.js';

afterEach(cleanup);

describe('account management in the renderer', () => {
  it('shows where passwords are kept (a note) and a settings file put aside (an alert)', async () => {
    const { client } = fakeClient({
      'app.status': {
        ok: true,
        value: {
          secretStorage: { kind: 'encrypted-file', notice: 'No system keychain answered, so passwords are kept in an encrypted file.' },
          settingsProblem: { message: 'The settings file could not be used. It was kept as settings.json.corrupt-1.', backupFile: 'settings.json.corrupt-1' },
        },
      },
    });
    render(<AppNotices client={client} />);
    expect((await screen.findByRole('note')).textContent).toMatch(/encrypted file/);
    expect(screen.getByRole('alert').textContent).toMatch(/settings\.json\.corrupt-1/);
  });

  it('shows nothing when the keychain is used and the settings were fine', async () => {
    const { client, invoke } = fakeClient({ 'app.status': { ok: true, value: { secretStorage: { kind: 'keychain' } } } });
    const { container } = render(<AppNotices client={client} />);
    await waitFor(() => expect(invoke).toHaveBeenCalledWith('app.status', {}));
    expect(container.textContent).toBe('');
  });

  it('asks for a missing password and saves it with accounts.setPassword', async () => {
    const { client, invoke } = fakeClient({ 'accounts.setPassword': { ok: true, value: { saved: true } } });
    const onSaved = vi.fn();
    render(<PasswordPrompt client={client} accountId="acc_12345678" onSaved={onSaved} />);
    expect((screen.getByRole('button', { name: 'Save password' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'again-pw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save password' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('accounts.setPassword', { accountId: 'acc_12345678', password: 'again-pw' });
  });

  it('offers "Sign in again" for an account whose provider withdrew its tokens, and signs in with accounts.signIn', async () => {
    const withdrawn = { code: 'AUTH_FAILED' as const, message: 'Sign in again.', details: { signInRequired: 'true', accountId: 'acc_12345678' } };
    expect(isSignInRequired(withdrawn)).toBe(true);
    expect(isSignInRequired({ code: 'AUTH_FAILED', message: 'Wrong password.' })).toBe(false);
    const { client, invoke } = fakeClient({ 'accounts.signIn': { ok: true, value: { signedIn: true } } });
    const onSignedIn = vi.fn();
    render(<SignInPrompt client={client} accountId="acc_12345678" onSignedIn={onSignedIn} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('accounts.signIn', { accountId: 'acc_12345678' });
  });

  it('shows why signing in again failed, in an alert', async () => {
    const { client } = fakeClient({ 'accounts.signIn': { ok: false, error: { code: 'AUTH_FAILED', message: 'The sign-in was declined in the browser.' } } });
    const onSignedIn = vi.fn();
    render(<SignInPrompt client={client} accountId="acc_12345678" onSignedIn={onSignedIn} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    expect((await screen.findByRole('alert')).textContent).toContain('declined');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('removes an account only after the confirm step', async () => {
    const account = testAccount();
    const { client, invoke } = fakeClient({ 'accounts.remove': { ok: true, value: { removed: true } } });
    const onRemoved = vi.fn();
    render(<RemoveAccount client={client} account={account} onRemoved={onRemoved} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove account' }));
    expect(invoke).not.toHaveBeenCalled();
    expect(screen.getByRole('group', { name: 'Confirm removing the account' }).textContent).toMatch(/password and the mail kept on this computer/);
    fireEvent.click(screen.getByRole('button', { name: 'Keep account' }));
    expect(invoke).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Remove account' }));
    fireEvent.click(screen.getByRole('button', { name: `Remove ${account.email}` }));
    await waitFor(() => expect(onRemoved).toHaveBeenCalledWith(account.id));
    expect(invoke).toHaveBeenCalledWith('accounts.remove', { accountId: account.id });
  });

  it('offers the account’s identities in a From select and sends with the chosen one; a missing password shows the prompt', async () => {
    const account = testAccount({
      identities: [
        { id: 'identity-main', name: 'Alice', email: 'alice@example.test' },
        { id: 'identity-support', name: 'Support', email: 'support@example.test', signature: 'The team' },
      ],
    });
    const { client, invoke } = fakeClient({
      'mail.send': { ok: false, error: { code: 'AUTH_FAILED', message: 'No password is stored for alice@example.test. Enter it again to go on.', details: { passwordMissing: 'true', accountId: account.id } } },
    });
    render(<Compose client={client} account={account} initial={{ ...EMPTY_DRAFT, to: 'bob@example.test' }} onQueued={() => {}} onDiscard={() => {}} />);
    const from = screen.getByLabelText('From') as HTMLSelectElement;
    expect([...from.options].map((o) => o.textContent)).toEqual(['Alice <alice@example.test>', 'Support <support@example.test>']);
    fireEvent.change(from, { target: { value: 'identity-support' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByRole('button', { name: 'Save password' });
    expect(invoke).toHaveBeenCalledWith('mail.send', expect.objectContaining({ identityId: 'identity-support' }));
  });

  it('shows the sender domain check’s plain explanations', async () => {
    const account = testAccount();
    const { client } = fakeClient({
      'accounts.checkDomain': {
        ok: true,
        value: {
          domain: 'example.test',
          smtpHost: 'smtp.example.test',
          addresses: ['192.0.2.1'],
          spf: { result: 'fail', byAddress: [{ address: '192.0.2.1', result: 'fail' }], explanation: 'example.test does not list smtp.example.test.' },
          dmarc: { policy: 'reject', fromOrganizationalDomain: false, explanation: 'example.test asks receivers to refuse failing mail.' },
        },
      },
    });
    render(<DomainCheck client={client} account={account} />);
    fireEvent.click(screen.getByRole('button', { name: 'Check sender domain' }));
    const status = await screen.findByRole('status', { name: 'Sender domain example.test' });
    expect(status.textContent).toMatch(/SPF: example\.test does not list/);
    expect(status.textContent).toMatch(/DMARC: example\.test asks receivers to refuse/);
  });
});
