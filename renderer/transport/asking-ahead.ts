import type { ContractClient, Reply, RequestChannel, RequestInput, RequestOutput } from '../../shared/contract.js';

/** How long an answer asked for ahead waits to be taken; after that it is asked for again. */
export const ASKED_AHEAD_TTL_MS = 5000;

export interface AskingAheadClient extends ContractClient {
  /**
   * Sends the request now. The first `invoke` of the same channel with the same input, within
   * ASKED_AHEAD_TTL_MS, takes its answer instead of asking again.
   */
  askAhead<C extends RequestChannel>(channel: C, input: RequestInput<C>): void;
}

type Asked = { reply: Promise<Reply<unknown>>; at: number };

/** The same JSON whatever order an object's keys were written in. */
function keyOf(channel: string, input: unknown): string {
  return `${channel} ${JSON.stringify(input, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  )}`;
}

/**
 * A client that can ask for something before the part of the screen that needs it is drawn:
 * the mailbox's first page is asked for as soon as the accounts are known, while React draws the
 * mailbox around it, instead of after (the start-up's second round trip waited for that drawing).
 * An answer is taken once: whoever asks later asks main again, and gets what is current.
 */
export function askingAhead(client: ContractClient, now: () => number = Date.now): AskingAheadClient {
  if ('askAhead' in client) return client as AskingAheadClient;
  const asked = new Map<string, Asked>();
  return {
    askAhead(channel, input) {
      const key = keyOf(channel, input);
      const kept = asked.get(key);
      if (kept && now() - kept.at <= ASKED_AHEAD_TTL_MS) return;
      asked.set(key, { reply: client.invoke(channel, input) as Promise<Reply<unknown>>, at: now() });
    },
    invoke<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<Reply<RequestOutput<C>>> {
      const key = keyOf(channel, input);
      const kept = asked.get(key);
      if (kept) {
        asked.delete(key);
        if (now() - kept.at <= ASKED_AHEAD_TTL_MS) return kept.reply as Promise<Reply<RequestOutput<C>>>;
      }
      return client.invoke(channel, input);
    },
    on: (event, listener) => client.on(event, listener),
  };
}
