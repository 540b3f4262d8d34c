import type { Pop3Connection } from '../pop3-connection.js';

/**
 * What the server says it can do (RFC 2449), by upper-case capability name, each with its
 * arguments (e.g. "SASL" → ["PLAIN", "LOGIN"]).
 */
export type Pop3Capabilities = ReadonlyMap<string, readonly string[]>;

/** CAPA; undefined when the server does not know the command (a plain RFC 1939 server). */
export async function capa(connection: Pop3Connection): Promise<Pop3Capabilities | undefined> {
  const status = await connection.exchange('CAPA');
  if (status.kind !== 'ok') return undefined;
  const capabilities = new Map<string, string[]>();
  for (const line of await connection.readLines()) {
    const [name, ...args] = line.trim().split(/\s+/);
    if (name) capabilities.set(name.toUpperCase(), args);
  }
  return capabilities;
}

/** The SASL mechanisms CAPA lists, upper-case. */
export function saslMechanisms(capabilities: Pop3Capabilities | undefined): string[] {
  return (capabilities?.get('SASL') ?? []).map((m) => m.toUpperCase());
}
