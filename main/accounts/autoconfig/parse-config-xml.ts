import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DiscoveredAuthentication, DiscoveredServer } from '../../../shared/schemas.js';
import { configXmlError } from './config-xml-error.js';
import type { EmailParts } from './email-parts.js';
import { rejectHostileXml } from './reject-hostile-xml.js';
import { fillPlaceholders } from './username-placeholders.js';

/** A server from a config file; the caller adds where the file came from. */
export type ConfiguredServer = Omit<DiscoveredServer, 'source'>;

/** What a config-v1.1.xml says, servers in document order (the provider's preference). */
export type ProviderConfig = {
  displayName?: string;
  incoming: ConfiguredServer[];
  outgoing: ConfiguredServer[];
};

const SOCKET_TYPES: Record<string, ConfiguredServer['security']> = { ssl: 'tls', tls: 'tls', starttls: 'starttls', plain: 'none' };

// Thunderbird still reads the names of its first format ("plain", "secure"), and so do we.
const AUTHENTICATIONS: Record<string, DiscoveredAuthentication> = {
  'password-cleartext': 'password-cleartext',
  plain: 'password-cleartext',
  'password-encrypted': 'password-encrypted',
  secure: 'password-encrypted',
  oauth2: 'OAuth2',
  ntlm: 'NTLM',
  gssapi: 'GSSAPI',
  'client-ip-address': 'client-IP-address',
  'tls-client-cert': 'TLS-client-cert',
  none: 'none',
};

const STANDARD_PORTS: Record<ConfiguredServer['protocol'], Record<ConfiguredServer['security'], number>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  pop3: { tls: 995, starttls: 110, none: 110 },
  smtp: { tls: 465, starttls: 587, none: 587 },
};

const parser = new XMLParser({
  // Entities stay as written: the five predefined ones and character references are decoded by
  // decodeXmlText below, and nothing else can be, since rejectHostileXml refused any DOCTYPE.
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 20,
  isArray: (name) => ['emailProvider', 'incomingServer', 'outgoingServer', 'authentication', 'domain'].includes(name),
});

/**
 * Parses Thunderbird's config-v1.1.xml (https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat)
 * for one address. Servers of a type this app does not speak (Exchange, EWS) and entries whose
 * host or port make no sense are left out; a file with no usable server at all is an error, as
 * is anything hostile or malformed (typed: see config-xml-error.ts).
 */
export function parseConfigXml(text: string, email: EmailParts): ProviderConfig {
  rejectHostileXml(text);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw configXmlError('malformed', `The configuration file is not well-formed XML (line ${line}, column ${col}): ${msg}`);
  }
  let document: Record<string, unknown>;
  try {
    document = parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw configXmlError('malformed', `The configuration file could not be read: ${(error as Error).message}`);
  }
  const root = record(document.clientConfig);
  const provider = record(list(root?.emailProvider)[0]);
  if (!root || !provider) {
    throw configXmlError('not-a-config', 'The file is not a mail configuration (no clientConfig with an emailProvider).');
  }
  const incoming = list(provider.incomingServer).flatMap((node) => server(node, ['imap', 'pop3'], email));
  const outgoing = list(provider.outgoingServer).flatMap((node) => server(node, ['smtp'], email));
  if (incoming.length === 0 && outgoing.length === 0) {
    throw configXmlError('no-servers', 'The configuration file names no IMAP, POP3 or SMTP server this app can use.');
  }
  const displayName = textOf(provider.displayName);
  return { ...(displayName ? { displayName: displayName.slice(0, 200) } : {}), incoming, outgoing };
}

function server(node: unknown, protocols: ConfiguredServer['protocol'][], email: EmailParts): ConfiguredServer[] {
  const element = record(node);
  const protocol = protocols.find((p) => p === textOf(element?.['@type'])?.toLowerCase());
  if (!element || !protocol) return [];
  const host = fillPlaceholders(textOf(element.hostname) ?? '', email).toLowerCase();
  if (!isHostName(host)) return [];
  const socketType = textOf(element.socketType)?.toLowerCase();
  const security = socketType === undefined ? 'none' : SOCKET_TYPES[socketType];
  if (!security) return [];
  const portText = textOf(element.port);
  const port = portText === undefined ? STANDARD_PORTS[protocol][security] : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return [];
  const authentication = [
    ...new Set(list(element.authentication).flatMap((a) => AUTHENTICATIONS[textOf(a)?.toLowerCase() ?? ''] ?? [])),
  ];
  const found: ConfiguredServer = {
    protocol,
    host,
    port,
    security,
    // Absent means a password, as in Thunderbird; listed but unknown (smtp-after-pop) means none we know.
    authentication: element.authentication === undefined ? ['password-cleartext'] : authentication,
    username: fillPlaceholders(textOf(element.username) ?? '%EMAILADDRESS%', email).slice(0, 1000),
  };
  if (protocol === 'pop3') {
    const hints = pop3Hints(record(element.pop3));
    if (hints) found.pop3 = hints;
  }
  return [found];
}

function pop3Hints(pop3: Record<string, unknown> | undefined): ConfiguredServer['pop3'] {
  if (!pop3) return undefined;
  const hints: NonNullable<ConfiguredServer['pop3']> = {};
  const leave = booleanOf(pop3.leaveMessagesOnServer);
  const biff = booleanOf(pop3.downloadOnBiff);
  const days = Number(textOf(pop3.daysToLeaveMessagesOnServer));
  if (leave !== undefined) hints.leaveMessagesOnServer = leave;
  if (biff !== undefined) hints.downloadOnBiff = biff;
  if (textOf(pop3.daysToLeaveMessagesOnServer) !== undefined && Number.isInteger(days) && days >= 0) hints.daysToLeaveMessagesOnServer = days;
  return Object.keys(hints).length ? hints : undefined;
}

/** The same rule the settings form applies (shared/schemas.ts): a name or an address, nothing else. */
function isHostName(host: string): boolean {
  return host.length > 0 && host.length <= 253 && /^[a-z0-9.\-:[\]]+$/.test(host);
}

function booleanOf(value: unknown): boolean | undefined {
  const text = textOf(value)?.toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** An element's text: a plain value, or the text beside its attributes. */
function textOf(value: unknown): string | undefined {
  const raw = typeof value === 'string' ? value : typeof record(value)?.['#text'] === 'string' ? (record(value)!['#text'] as string) : undefined;
  if (raw === undefined) return undefined;
  const text = decodeXmlText(raw).trim();
  return text === '' ? undefined : text;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The references XML itself defines: the five predefined entities and character references.
 * Anything else (an undeclared entity) stays as written; it cannot have a definition here.
 */
function decodeXmlText(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/gi, (match, hex: string, dec: string, name: string) => {
    if (name) return PREDEFINED[name.toLowerCase()] ?? match;
    const code = hex ? parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : match;
  });
}
