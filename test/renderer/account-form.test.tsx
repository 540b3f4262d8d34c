// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountForm } from '../../renderer/features/accounts/AccountForm.js';
import { fakeClient } from './fake-client.js';
import { fill } from './form.js';

afterEach(cleanup);

/**
 * Fills the fields the form requires (ports and security left as they come, unless `adjust`
 * changes them), saves, waits for the saved account to be reported, and gives the contract mock.
 */
async function fillAndSave(smtpHost: string, adjust: () => void = () => {}, incoming: 'imap' | 'pop3' = 'imap') {
  const saved = { id: 'acc_12345678' };
  const { client, invoke } = fakeClient({ 'accounts.add': { ok: true, value: saved } });
  const onSaved = vi.fn();
  render(<AccountForm client={client} onSaved={onSaved} />);
  fill('Name', 'Alice');
  fill('Email address', 'alice@example.test');
  fill('Password', 'pw');
  if (incoming === 'imap') fill('IMAP server', 'imap.example.test');
  else {
    fill('Incoming protocol', 'pop3');
    fill('POP3 server', 'pop.example.test');
  }
  fill('SMTP server', smtpHost);
  adjust();
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
  return invoke;
}

describe('the account form', () => {
  it('names every field as the product promises', () => {
    render(<AccountForm client={fakeClient({}).client} onSaved={() => {}} />);
    for (const label of [
      'Name',
      'Email address',
      'Password',
      'IMAP server',
      'IMAP port',
      'IMAP security',
      'SMTP server',
      'SMTP port',
      'SMTP security',
    ]) {
      expect(screen.getByLabelText(label)).toBeTruthy();
    }
    expect(screen.getByRole('button', { name: 'Save' })).toBeTruthy();
    expect((screen.getByLabelText('Password') as HTMLInputElement).type).toBe('password');
  });

  it('follows the standard port when the security changes, unless the person typed their own', () => {
    render(<AccountForm client={fakeClient({}).client} onSaved={() => {}} />);
    const imapPort = screen.getByLabelText('IMAP port') as HTMLInputElement;
    const smtpPort = screen.getByLabelText('SMTP port') as HTMLInputElement;
    expect([imapPort.value, smtpPort.value]).toEqual(['993', '587']);
    fireEvent.change(screen.getByLabelText('IMAP security'), { target: { value: 'starttls' } });
    fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'tls' } });
    expect([imapPort.value, smtpPort.value]).toEqual(['143', '465']);
    fill('SMTP port', '2465');
    fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'starttls' } });
    expect(smtpPort.value).toBe('2465');
  });

  it('sends the settings through the contract and reports the saved account', async () => {
    const invoke = await fillAndSave('smtp.example.test');
    expect(invoke).toHaveBeenCalledWith('accounts.add', {
      name: 'Alice',
      email: 'alice@example.test',
      password: 'pw',
      incoming: 'imap',
      imap: { host: 'imap.example.test', port: 993, security: 'tls' },
      smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' },
    });
  });

  it('shows a refusal in an alert, with the server’s words', async () => {
    const { client } = fakeClient({
      'accounts.add': {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: '“alice@” is not a valid email address.', serverReply: 'n/a' },
      },
    });
    const onSaved = vi.fn();
    render(<AccountForm client={client} onSaved={onSaved} />);
    fill('Password', 'pw');
    // Submitted directly: the browser's own required-field check would stop an empty form first.
    fireEvent.submit(screen.getByRole('form', { name: 'Account settings' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('“alice@” is not a valid email address.');
    expect(alert.textContent).toContain('Server said: n/a');
    expect(onSaved).not.toHaveBeenCalled();
  });
});

describe('the account form’s SMTP user name', () => {
  it('is empty by default (SMTP logs in as the incoming user) and sent only when filled', async () => {
    const plain = await fillAndSave('smtp.example.test');
    expect(plain.mock.calls.find(([channel]) => channel === 'accounts.add')?.[1]).toMatchObject({ smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' } });
    expect((plain.mock.calls.find(([channel]) => channel === 'accounts.add')?.[1] as { smtp: object }).smtp).not.toHaveProperty('username');
    cleanup();
    const own = await fillAndSave('smtp.example.test', () => {
      expect((screen.getByLabelText('SMTP user name') as HTMLInputElement).placeholder).toBe('alice@example.test');
      fill('User name', 'alice');
      expect((screen.getByLabelText('SMTP user name') as HTMLInputElement).placeholder).toBe('alice');
      fill('SMTP user name', '  relay-alice ');
    });
    expect(own).toHaveBeenCalledWith('accounts.add', expect.objectContaining({ username: 'alice', smtp: { host: 'smtp.example.test', port: 587, security: 'starttls', username: 'relay-alice' } }));
  });
});

describe('the account form’s “No encryption” choice for SMTP', () => {
  it('is offered for SMTP only, and shows no warning until it is chosen', () => {
    render(<AccountForm client={fakeClient({}).client} onSaved={() => {}} />);
    const smtpOptions = [...(screen.getByLabelText('SMTP security') as HTMLSelectElement).options].map((o) => [o.value, o.text]);
    expect(smtpOptions).toEqual([
      ['starttls', 'STARTTLS'],
      ['tls', 'SSL/TLS'],
      ['none', 'No encryption'],
    ]);
    const imapOptions = [...(screen.getByLabelText('IMAP security') as HTMLSelectElement).options].map((o) => o.value);
    expect(imapOptions).toEqual(['tls', 'starttls']);
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('warns in a note when chosen, moves to port 25, and the warning leaves with it', () => {
    render(<AccountForm client={fakeClient({}).client} onSaved={() => {}} />);
    const smtpPort = screen.getByLabelText('SMTP port') as HTMLInputElement;
    fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'none' } });
    expect(smtpPort.value).toBe('25');
    const note = screen.getByRole('note');
    expect(note.textContent).toContain('Without encryption your password and mail cross the network readable by anyone on the way.');
    fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'starttls' } });
    expect(smtpPort.value).toBe('587');
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('keeps a port the person typed, such as 2525', () => {
    render(<AccountForm client={fakeClient({}).client} onSaved={() => {}} />);
    fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'none' } });
    fill('SMTP port', '2525');
    fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'none' } });
    expect((screen.getByLabelText('SMTP port') as HTMLInputElement).value).toBe('2525');
    expect(screen.getByRole('note')).toBeTruthy();
  });

  it('sends security “none” through the contract', async () => {
    const invoke = await fillAndSave('relay.example.test', () => {
      fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'none' } });
    });
    expect(invoke).toHaveBeenCalledWith(
      'accounts.add',
      expect.objectContaining({ smtp: { host: 'relay.example.test', port: 25, security: 'none' } }),
    );
  });
});

describe('the account form for POP3', () => {
  it('offers POP3 under “Incoming protocol”, with its own server, port and security and “Leave messages on server” checked', () => {
    render(<AccountForm client={fakeClient({}).client} onSaved={() => {}} />);
    const protocol = screen.getByLabelText('Incoming protocol') as HTMLSelectElement;
    expect([...protocol.options].map((o) => o.text)).toEqual(['IMAP', 'POP3']);
    expect(screen.queryByLabelText('POP3 server')).toBeNull();
    fill('Incoming protocol', 'pop3');
    expect(screen.queryByLabelText('IMAP server')).toBeNull();
    expect(screen.getByLabelText('POP3 server')).toBeTruthy();
    const port = screen.getByLabelText('POP3 port') as HTMLInputElement;
    expect(port.value).toBe('995');
    expect([...(screen.getByLabelText('POP3 security') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['tls', 'starttls', 'none']);
    fill('POP3 security', 'starttls');
    expect(port.value).toBe('110');
    expect((screen.getByRole('checkbox', { name: 'Leave messages on server' }) as HTMLInputElement).checked).toBe(true);
  });

  it('sends the POP3 settings and policy, without IMAP settings', async () => {
    const invoke = await fillAndSave(
      'smtp.example.test',
      () => {
        fill('Delete from server after (days)', '30');
        fireEvent.click(screen.getByRole('checkbox', { name: 'Delete from server when deleted here' }));
      },
      'pop3',
    );
    expect(invoke).toHaveBeenCalledWith('accounts.add', {
      name: 'Alice',
      email: 'alice@example.test',
      password: 'pw',
      incoming: 'pop3',
      pop3: { host: 'pop.example.test', port: 995, security: 'tls', leaveOnServer: true, deleteAfterDays: 30, deleteWhenDeletedLocally: true },
      smtp: { host: 'smtp.example.test', port: 587, security: 'starttls' },
    });
  });

  it('unchecking “Leave messages on server” says they will be deleted there, and sends no deletion schedule', async () => {
    const invoke = await fillAndSave(
      'smtp.example.test',
      () => {
        fireEvent.click(screen.getByRole('checkbox', { name: 'Leave messages on server' }));
        expect(screen.getByRole('note').textContent).toContain('deleted from the server once it is safely on this computer');
        expect(screen.queryByLabelText('Delete from server after (days)')).toBeNull();
      },
      'pop3',
    );
    expect(invoke).toHaveBeenCalledWith(
      'accounts.add',
      expect.objectContaining({ pop3: { host: 'pop.example.test', port: 995, security: 'tls', leaveOnServer: false, deleteWhenDeletedLocally: false } }),
    );
  });
});
