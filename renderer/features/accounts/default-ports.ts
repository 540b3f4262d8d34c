import type { Pop3Security, Security, SmtpSecurity } from '../../../shared/schemas.js';

const PORTS: { imap: Record<Security, number>; pop3: Record<Pop3Security, number>; smtp: Record<SmtpSecurity, number> } = {
  imap: { tls: 993, starttls: 143 },
  pop3: { tls: 995, starttls: 110, none: 110 },
  // 'none' is SMTP only, and only when the person chooses it: the form warns when they do.
  smtp: { tls: 465, starttls: 587, none: 25 },
};

export function defaultPort(protocol: 'imap', security: Security): number;
export function defaultPort(protocol: 'pop3', security: Pop3Security): number;
export function defaultPort(protocol: 'smtp', security: SmtpSecurity): number;
export function defaultPort(protocol: keyof typeof PORTS, security: SmtpSecurity): number {
  return (PORTS[protocol] as Record<SmtpSecurity, number>)[security];
}

export function isDefaultPort(protocol: keyof typeof PORTS, port: number): boolean {
  return Object.values(PORTS[protocol]).includes(port as never);
}
