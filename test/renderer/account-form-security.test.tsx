// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountForm } from '../../renderer/features/accounts/AccountForm.js';
import { fakeClient } from './fake-client.js';

afterEach(cleanup);

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

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
    const saved = { id: 'acc_12345678' };
    const { client, invoke } = fakeClient({ 'accounts.add': { ok: true, value: saved } });
    const onSaved = vi.fn();
    render(<AccountForm client={client} onSaved={onSaved} />);
    fill('Name', 'Alice');
    fill('Email address', 'alice@example.test');
    fill('Password', 'pw');
    fill('IMAP server', 'imap.example.test');
    fill('SMTP server', 'relay.example.test');
    fireEvent.change(screen.getByLabelText('SMTP security'), { target: { value: 'none' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
    expect(invoke).toHaveBeenCalledWith(
      'accounts.add',
      expect.objectContaining({ smtp: { host: 'relay.example.test', port: 25, security: 'none' } }),
    );
  });
});
