import { vi } from 'vitest';
import type { ContractClient, Reply } from '../../shared/contract.js';

/** A scripted reply: the same every time, or worked out from the request's input. */
export type ScriptedReply = Reply<unknown> | ((input: never) => Reply<unknown>);

/** A ContractClient whose replies the test scripts, recording every call. */
export function fakeClient(replies: Record<string, ScriptedReply>) {
  const invoke = vi.fn(async (channel: string, input?: unknown) => {
    const reply = replies[channel];
    if (!reply) throw new Error(`no scripted reply for ${channel}`);
    return typeof reply === 'function' ? reply(input as never) : reply;
  });
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const on = vi.fn((event: string, listener: (payload: unknown) => void) => {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(listener);
    return () => listeners.get(event)?.delete(listener);
  });
  const client = { invoke, on } as unknown as ContractClient;
  /** Delivers an event to the listeners the app registered, as main would. */
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  /** The input of every call on that channel, in order. */
  const callsOf = (channel: string) => invoke.mock.calls.filter(([c]) => c === channel).map(([, input]) => input as Record<string, unknown>);
  return { client, invoke, emit, replies, callsOf };
}
