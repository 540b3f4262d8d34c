import type { ParsedInput, RequestChannel, RequestOutput } from '../../shared/contract.js';

/** One handler per request channel; the type makes a missing one a compile error. */
export type HandlerTable = {
  [C in RequestChannel]: (input: ParsedInput<C>) => Promise<RequestOutput<C>>;
};
