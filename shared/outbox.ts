import { z } from 'zod';
import { appErrorSchema } from './errors.js';

/**
 * What the outbox tells the UI about each message between "Send" and the server's acceptance
 * (and the copy in Sent after it).
 */
export const OUTBOX_STATES = ['scheduled', 'queued', 'sending', 'retrying', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const outboxItemSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  messageId: z.string(),
  subject: z.string(),
  recipients: z.array(z.string()),
  state: z.enum(OUTBOX_STATES),
  /** ISO 8601: when it goes (the end of the undo window, or the chosen send-later time). */
  sendAt: z.string(),
  attempts: z.number().int().nonnegative(),
  /** For `retrying`: when the next attempt is due, and why the last one did not go through. */
  retryAt: z.string().optional(),
  error: z.optional(appErrorSchema),
  /** For `sent`: who the server accepted, and who it refused with its reason. */
  accepted: z.array(z.string()).optional(),
  rejected: z.array(z.object({ address: z.string(), reply: z.string() })).optional(),
  sentAt: z.string().optional(),
  /** The copy in the account's Sent folder. */
  sentCopy: z.enum(['pending', 'filed', 'not-needed', 'retrying']),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;
