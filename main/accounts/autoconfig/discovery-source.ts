import type { DiscoveredServer, DiscoverySource } from '../../../shared/schemas.js';
import type { DiscoveryDns } from './discovery-dns.js';
import type { EmailParts } from './email-parts.js';
import type { ProviderConfig } from './parse-config-xml.js';

/** What one place answered: servers with where each came from. */
export type SourceAnswer = {
  displayName?: string;
  incoming: DiscoveredServer[];
  outgoing: DiscoveredServer[];
};

/** What every source may use; all of it stops when `signal` aborts (another source won, or time is up). */
export type SourceContext = {
  email: EmailParts;
  dns: DiscoveryDns;
  signal: AbortSignal;
  /** GETs a config file: its text, or undefined where the server says there is none. */
  fetchConfig: (url: string) => Promise<string | undefined>;
  /** Parses a config file for this address (parse-config-xml.ts). */
  parseConfig: (text: string) => ProviderConfig;
};

/**
 * One place to ask. `source.where` may be refined while it runs (the MX source learns its
 * domain from DNS), so the person sees what was really asked. Undefined from `run` means the
 * place has nothing for this address; a throw, that asking failed.
 */
export type SourceTask = {
  source: DiscoverySource;
  run: () => Promise<SourceAnswer | undefined>;
};

export function answerFromConfig(config: ProviderConfig, source: DiscoverySource): SourceAnswer {
  const from = { ...source };
  return {
    ...(config.displayName ? { displayName: config.displayName } : {}),
    incoming: config.incoming.map((server) => ({ ...server, source: from })),
    outgoing: config.outgoing.map((server) => ({ ...server, source: from })),
  };
}

/** A config file's answer, or undefined where there is no file. */
export async function configFileAnswer(context: SourceContext, source: DiscoverySource): Promise<SourceAnswer | undefined> {
  const text = await context.fetchConfig(source.where);
  return text === undefined ? undefined : answerFromConfig(context.parseConfig(text), source);
}
