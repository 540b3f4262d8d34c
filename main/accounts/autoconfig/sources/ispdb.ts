import { configFileAnswer, type SourceContext, type SourceTask } from '../discovery-source.js';

/** Thunderbird's public ISPDB; MAIL_ISPDB_URL replaces it (a mirror, or a test server). */
export const DEFAULT_ISPDB_URL = 'https://autoconfig.thunderbird.net';

export function ispdbUrl(baseUrl: string, domain: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1.1/${encodeURIComponent(domain)}`;
}

/** The ISPDB's entry for the address's own domain. */
export function ispdbTask(context: SourceContext, baseUrl: string): SourceTask {
  const source = { kind: 'ispdb' as const, where: ispdbUrl(baseUrl, context.email.asciiDomain) };
  return { source, run: () => configFileAnswer(context, source) };
}
