import type { z } from 'zod';
import { isRequestChannel, requests, type Reply, type RequestChannel } from '../../shared/contract.js';
import { AppError } from '../../shared/errors.js';
import type { HandlerTable } from './handler-table.js';
import { log } from '../log.js';

/**
 * The single entry point both transports call: it refuses unknown channels, validates the
 * argument against the contract before any handler runs, and turns every failure into a typed
 * error value. Nothing thrown inside main reaches the renderer as a stack trace.
 */
export function createDispatcher(handlers: HandlerTable) {
  return async function dispatch(channel: unknown, rawInput: unknown): Promise<Reply<unknown>> {
    if (!isRequestChannel(channel)) {
      return { ok: false, error: new AppError('UNKNOWN_CHANNEL').toDto() };
    }
    const spec = requests[channel];
    const parsed = (spec.input as z.ZodType).safeParse(rawInput);
    if (!parsed.success) {
      return { ok: false, error: invalidArgument(parsed.error).toDto() };
    }
    try {
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      // Checking our own output keeps the contract honest in both directions.
      const checked = (spec.output as z.ZodType).safeParse(value);
      if (!checked.success) {
        log.error('handler returned data outside the contract', { channel, issues: checked.error.issues.length });
        return { ok: false, error: new AppError('INTERNAL').toDto() };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      return { ok: false, error: toAppError(error, channel).toDto() };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;

function invalidArgument(error: z.ZodError): AppError {
  const first = error.issues[0];
  const field = first?.path.join('.') ?? '';
  return new AppError('INVALID_ARGUMENT', {
    message: first?.message ?? 'Some of the information given is not valid.',
    details: field ? { field } : undefined,
  });
}

function toAppError(error: unknown, channel: RequestChannel): AppError {
  if (error instanceof AppError) return error;
  // Only the error's class and code are logged: messages can quote user data.
  const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : undefined;
  log.error('unexpected failure in handler', { channel, type: (error as Error)?.name, code });
  return new AppError('INTERNAL');
}
