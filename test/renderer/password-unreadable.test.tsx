// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppErrorDto } from '../../shared/errors.js';
import { testAccount } from '../support/test-account.js';
import { folder, summary } from './mail-fixtures.js';
import { renderApp } from './render-app.js';

afterEach(cleanup);

const account = testAccount();
const inbox = folder('INBOX', 'inbox');
const message = summary(1, 'Waiting behind the password');

/** What main says when the stored password cannot be decrypted (account-service.ts passwordUnreadable). */
const unreadable: AppErrorDto = {
  code: 'AUTH_FAILED',
  message:
    'The password stored for alice@example.test can no longer be read: it was encrypted with a key this computer no longer has ' +
    '(the profile was copied from elsewhere, or the system keyring was reset). Enter the password again to go on.',
  details: { passwordMissing: 'true', accountId: account.id, reason: 'unreadable' },
};

describe('a stored password that can no longer be decrypted', () => {
  it('opens the password prompt with the plain explanation, and the mailbox loads once the password is saved', async () => {
    let kept = false;
    const fake = renderApp(
      {},
      {
        'folders.list': () => (kept ? { ok: true, value: [inbox] } : { ok: false, error: unreadable }),
        'messages.list': () => (kept ? { ok: true, value: [message] } : { ok: false, error: unreadable }),
        'accounts.setPassword': () => {
          kept = true;
          return { ok: true, value: { saved: true } };
        },
      },
    );

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('can no longer be read: it was encrypted with a key this computer no longer has');
    expect(alert.textContent).toContain('Enter the password again to go on.');
    const prompt = screen.getByRole('group', { name: 'Enter the password again' });
    fireEvent.change(within(prompt).getByLabelText('Password'), { target: { value: 'alice-again' } });
    fireEvent.click(within(prompt).getByRole('button', { name: 'Save password' }));

    await screen.findByText('Waiting behind the password');
    expect(fake.invoke).toHaveBeenCalledWith('accounts.setPassword', { accountId: account.id, password: 'alice-again' });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.queryByRole('group', { name: 'Enter the password again' })).toBeNull();
  });
});
