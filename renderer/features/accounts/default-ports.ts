import type { Security } from '../../../shared/schemas.js';

const PORTS = {
  imap: { tls: 993, starttls: 143 },
  smtp: { tls: 465, starttls: 587 },
} as const;

export function defaultPort(protocol: keyof typeof PORTS, security: Security): number {
  return PORTS[protocol][security];
}

export function isDefaultPort(protocol: keyof typeof PORTS, port: number): boolean {
  return Object.values(PORTS[protocol]).includes(port as never);
}
