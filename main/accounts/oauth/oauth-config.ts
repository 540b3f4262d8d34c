import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.js';
import { BUILT_IN_PROVIDERS, oauthProviderSchema, type OAuthProvider } from './oauth-provider.js';

/**
 * Where OAuth providers and the app's client IDs come from: the built-in providers (endpoints and
 * scopes, no client IDs), completed or extended by a JSON file:
 *
 *   { "providers": [ { "id": "google", "clientId": "…apps.googleusercontent.com" },
 *                    { "id": "corp", "name": "Corp", "hosts": [".corp.example"], "authorizationEndpoint": "https://…",
 *                      "tokenEndpoint": "https://…", "scopes": ["mail"], "clientId": "…" } ] }
 *
 * The file is oauth-providers.json in the profile, or the one MAIL_OAUTH_PROVIDERS names (tests).
 * An entry with a built-in id changes only the fields it gives.
 */
export const OAUTH_PROVIDERS_ENV = 'MAIL_OAUTH_PROVIDERS';

export type OAuthOptions = {
  providers: OAuthProvider[];
  /** How long the browser sign-in may take before it is given up (default 5 minutes). */
  signInTimeoutMs?: number;
  /** Refresh a token this long before it expires (default 5 minutes). */
  refreshMarginMs?: number;
};

const configFileSchema = z.object({
  providers: z.array(oauthProviderSchema.partial().extend({ id: oauthProviderSchema.shape.id })).max(50),
});

/** The built-in providers with `entries` applied; an incomplete new provider is refused. */
export function mergeProviders(entries: readonly Partial<OAuthProvider>[], builtIn: readonly OAuthProvider[] = BUILT_IN_PROVIDERS): OAuthProvider[] {
  const merged = new Map(builtIn.map((p) => [p.id, { ...p }] as const));
  for (const entry of entries) {
    const candidate = { ...merged.get(entry.id!), ...entry };
    const parsed = oauthProviderSchema.safeParse(candidate);
    if (!parsed.success) {
      throw new AppError('INVALID_ARGUMENT', {
        message: `The OAuth provider “${entry.id}” in the configuration is incomplete or wrong: ${parsed.error.issues[0]!.message}`,
      });
    }
    merged.set(parsed.data.id, parsed.data);
  }
  return [...merged.values()];
}

/** Reads a providers file; a missing file means the built-in providers only. */
export function loadOAuthProviders(file: string | undefined): OAuthProvider[] {
  if (!file) return mergeProviders([]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return mergeProviders([]);
    throw new AppError('INTERNAL', { message: `The OAuth providers file ${file} could not be read.`, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AppError('INVALID_ARGUMENT', { message: `The OAuth providers file ${file} is not valid JSON.`, cause });
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError('INVALID_ARGUMENT', { message: `The OAuth providers file ${file} is wrong: ${parsed.error.issues[0]!.message}` });
  }
  return mergeProviders(parsed.data.providers);
}

/** The options from MAIL_OAUTH_PROVIDERS, else from the profile's file (absent: built-ins, no client IDs). */
export function oauthOptionsFromEnv(profileFile?: string, env: NodeJS.ProcessEnv = process.env): OAuthOptions {
  return { providers: loadOAuthProviders(env[OAUTH_PROVIDERS_ENV] || profileFile) };
}
