import type { ContractClient, EventName, Reply, RequestOutput } from '../../shared/contract.js';
import type { Dispatch } from './dispatch.js';
import type { EventBus } from './event-bus.js';

/**
 * The contract without a wire: the same dispatch and events the two transports carry, called
 * in-process. Used by integration tests, so they speak to main exactly as the renderer does.
 */
export function createInProcessClient(dispatch: Dispatch, bus: EventBus): ContractClient {
  return {
    invoke: async (channel, input) =>
      // A structured clone, as a transport would make: no live object crosses either way.
      structuredClone(await dispatch(channel, structuredClone(input))) as Reply<RequestOutput<typeof channel>>,
    on: (event, listener) =>
      bus.subscribe((name: EventName, payload) => {
        if (name === event) listener(structuredClone(payload) as never);
      }),
  };
}
