import { describe, expect, it, vi } from 'vitest';
import { requestChannels } from '../../../shared/contract.js';
import { AppError } from '../../../shared/errors.js';
import { createDispatcher } from '../../../main/contract/dispatch.js';
import type { HandlerTable } from '../../../main/contract/handler-table.js';
import { createMailService } from '../../../main/service.js';
import { newProfile } from '../../support/accounts.js';

function tableOf(overrides: Partial<HandlerTable>): HandlerTable {
  const { handlers } = createMailService(newProfile());
  return { ...handlers, ...overrides };
}

describe('the handler table', () => {
  it('has a handler for every request channel in the contract, and no other', () => {
    const { handlers } = createMailService(newProfile());
    expect(Object.keys(handlers).sort()).toEqual([...requestChannels].sort());
    for (const channel of requestChannels) expect(typeof handlers[channel]).toBe('function');
  });
});

describe('dispatch', () => {
  it('refuses a channel the contract does not name', async () => {
    const dispatch = createDispatcher(tableOf({}));
    const reply = await dispatch('fs.readFile', { path: '/etc/passwd' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const proto = await dispatch('__proto__', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('validates the argument before the handler runs', async () => {
    const send = vi.fn();
    const dispatch = createDispatcher(tableOf({ 'mail.send': send }));
    const reply = await dispatch('mail.send', { accountId: 'acc_12345678', to: ['x'], subject: 's', text: '' });
    expect(send).not.toHaveBeenCalled();
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: { field: 'to.0' } } });
    if (!reply.ok) expect(reply.error.message).toContain('“x” is not a valid email address');
  });

  it('passes a typed error through with its server reply', async () => {
    const dispatch = createDispatcher(
      tableOf({
        'accounts.list': async () => {
          throw new AppError('AUTH_FAILED', { serverReply: '535 5.7.8 no' });
        },
      }),
    );
    expect(await dispatch('accounts.list', {})).toEqual({
      ok: false,
      error: { code: 'AUTH_FAILED', message: expect.any(String), serverReply: '535 5.7.8 no' },
    });
  });

  it('turns an unexpected failure into INTERNAL without its message or stack', async () => {
    const dispatch = createDispatcher(
      tableOf({
        'accounts.list': async () => {
          throw new Error('secret-password-123 at /home/x/file.ts:10');
        },
      }),
    );
    const reply = await dispatch('accounts.list', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('secret-password-123');
  });

  it('refuses to return data that breaks the contract', async () => {
    const dispatch = createDispatcher(tableOf({ 'accounts.list': async () => [{ id: 'x', password: 'pw' }] as never }));
    const reply = await dispatch('accounts.list', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('pw');
  });
});
