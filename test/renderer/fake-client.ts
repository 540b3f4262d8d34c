import { vi } from 'vitest';
import type { ContractClient, Reply } from '../../shared/contract.js';

/** A ContractClient whose replies the test scripts, recording every call. */
export function fakeClient(replies: Record<string, Reply<unknown>>) {
  const invoke = vi.fn(async (channel: string) => {
    const reply = replies[channel];
    if (!reply) throw new Error(`no scripted reply for ${channel}`);
    return reply;
  });
  const client = { invoke, on: vi.fn(() => () => {}) } as unknown as ContractClient;
  return { client, invoke };
}
