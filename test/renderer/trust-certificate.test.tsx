// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppErrorDto } from '../../shared/errors.js';
import { ErrorAlert } from '../../renderer/components/ErrorAlert.js';

afterEach(cleanup);

const untrusted: AppErrorDto = {
  code: 'TLS_UNTRUSTED',
  message: 'The certificate of mail.example.test (SMTP, port 465) is not trusted.',
  details: {
    host: 'mail.example.test',
    port: '465',
    protocol: 'smtp',
    reason: 'self-signed',
    fingerprint256: 'AB:CD:EF:01',
    subject: 'CN=mail.example.test',
    issuer: 'CN=mail.example.test',
    validFrom: 'Nov 1 00:00:00 2026 GMT',
    validTo: 'Nov 1 00:00:00 2027 GMT',
  },
};

describe('an untrusted certificate', () => {
  it('shows the certificate’s facts and lets the person trust exactly that one', () => {
    const trust = vi.fn();
    render(<ErrorAlert error={untrusted} onTrustCertificate={trust} />);
    const facts = screen.getByRole('alert');
    expect(facts.textContent).toContain('AB:CD:EF:01');
    expect(facts.textContent).toContain('CN=mail.example.test');
    expect(facts.textContent).toContain('Nov 1 00:00:00 2027 GMT');
    fireEvent.click(screen.getByRole('button', { name: 'Trust this certificate' }));
    expect(trust).toHaveBeenCalledWith({ protocol: 'smtp', host: 'mail.example.test', fingerprint256: 'AB:CD:EF:01' });
  });

  it('offers nothing to trust for other errors, or without the certificate’s fingerprint', () => {
    const trust = vi.fn();
    const { rerender } = render(<ErrorAlert error={{ code: 'AUTH_FAILED', message: 'No.' }} onTrustCertificate={trust} />);
    expect(screen.queryByRole('button', { name: 'Trust this certificate' })).toBeNull();
    rerender(<ErrorAlert error={{ ...untrusted, details: { ...untrusted.details, fingerprint256: '' } }} onTrustCertificate={trust} />);
    expect(screen.queryByRole('button', { name: 'Trust this certificate' })).toBeNull();
  });
});
