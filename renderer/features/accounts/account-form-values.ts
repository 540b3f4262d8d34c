import type { IncomingProtocol, Pop3Security, Security, SmtpSecurity } from '../../../shared/schemas.js';
import { defaultPort } from './default-ports.js';

/** Everything the account form holds, as the person sees it (ports as typed text). */
export type AccountFormValues = {
  name: string;
  email: string;
  password: string;
  /** The login name; empty means the email address. */
  username: string;
  incoming: IncomingProtocol;
  imapHost: string;
  imapPort: string;
  imapSecurity: Security;
  pop3Host: string;
  pop3Port: string;
  pop3Security: Pop3Security;
  leaveOnServer: boolean;
  deleteAfterDays: string;
  deleteWhenDeletedLocally: boolean;
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: SmtpSecurity;
};

/** A blank form: IMAP over SSL/TLS, SMTP with STARTTLS on 587, POP3 leaving mail on the server. */
export const EMPTY_ACCOUNT_FORM: AccountFormValues = {
  name: '',
  email: '',
  password: '',
  username: '',
  incoming: 'imap',
  imapHost: '',
  imapPort: String(defaultPort('imap', 'tls')),
  imapSecurity: 'tls',
  pop3Host: '',
  pop3Port: String(defaultPort('pop3', 'tls')),
  pop3Security: 'tls',
  leaveOnServer: true,
  deleteAfterDays: '',
  deleteWhenDeletedLocally: false,
  smtpHost: '',
  smtpPort: String(defaultPort('smtp', 'starttls')),
  smtpSecurity: 'starttls',
};
