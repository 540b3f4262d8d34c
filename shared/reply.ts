import * as z from 'zod/mini';
import { appErrorSchema } from './errors.js';

/**
 * The envelope of every reply (Reply<T> in the contract), checked by the renderer on what the
 * bridge brings. On its own, apart from the contract's schemas: the renderer loads this and
 * zod's mini build, not the hundreds of request schemas it never parses (building them cost its start).
 */
export const replySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: appErrorSchema }),
]);
