import { z } from 'zod';
import type { SecretStore } from '../secret-store.js';
import { tokenKey } from '../secret-store.js';

/**
 * An account's OAuth tokens, kept as JSON in the SecretStore under tokenKey (never in settings,
 * never in a log). expiresAt is in ms since the epoch.
 */
export const tokenSetSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().int(),
  /** When it was issued (ms): a token is refreshed at most half its lifetime early. */
  issuedAt: z.number().int().optional(),
  scope: z.string().optional(),
});
export type TokenSet = z.infer<typeof tokenSetSchema>;

export async function readTokenSet(secrets: SecretStore, accountId: string): Promise<TokenSet | undefined> {
  const text = await secrets.get(tokenKey(accountId));
  if (text === undefined) return undefined;
  try {
    const parsed = tokenSetSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function saveTokenSet(secrets: SecretStore, accountId: string, tokens: TokenSet): Promise<void> {
  await secrets.set(tokenKey(accountId), JSON.stringify(tokenSetSchema.parse(tokens)));
}
