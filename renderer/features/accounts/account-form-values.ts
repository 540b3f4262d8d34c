import type { Account, AccountChanges, IncomingProtocol, Pop3Security, Security, SmtpAuthMethod, SmtpSecurity } from '../../../shared/schemas.js';
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
  /** The SMTP login name; empty means the incoming one (username, else the address). */
  smtpUsername: string;
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
  smtpUsername: '',
};

/** A kept account as the form shows it, for editing (no password: that is changed elsewhere). */
export function formValuesOf(account: Account): AccountFormValues {
  const pop3 = account.pop3;
  return {
    ...EMPTY_ACCOUNT_FORM,
    name: account.name,
    email: account.email,
    username: account.username ?? '',
    incoming: account.incoming ?? 'imap',
    ...(account.imap ? { imapHost: account.imap.host, imapPort: String(account.imap.port), imapSecurity: account.imap.security } : {}),
    ...(pop3
      ? {
          pop3Host: pop3.host,
          pop3Port: String(pop3.port),
          pop3Security: pop3.security,
          leaveOnServer: pop3.leaveOnServer,
          deleteAfterDays: pop3.deleteAfterDays === undefined ? '' : String(pop3.deleteAfterDays),
          deleteWhenDeletedLocally: pop3.deleteWhenDeletedLocally,
        }
      : {}),
    smtpHost: account.smtp.host,
    smtpPort: String(account.smtp.port),
    smtpSecurity: account.smtp.security,
    smtpUsername: account.smtp.username ?? '',
  };
}

/** The login names the form's values give: the incoming one, and the SMTP one (the incoming one unless set). */
export function loginNamesOf(values: Pick<AccountFormValues, 'email' | 'username' | 'smtpUsername'>): { incoming: string; smtp: string } {
  const incoming = values.username.trim() || values.email.trim();
  return { incoming, smtp: values.smtpUsername.trim() || incoming };
}

/** The account's settings as accounts.add and accounts.update take them (no password, no auth). */
export function accountSettingsOf(values: AccountFormValues, smtpAuthMethod?: SmtpAuthMethod) {
  const v = values;
  return {
    name: v.name,
    email: v.email,
    ...(v.username.trim() ? { username: v.username.trim() } : {}),
    incoming: v.incoming,
    ...(v.incoming === 'imap'
      ? { imap: { host: v.imapHost, port: Number(v.imapPort), security: v.imapSecurity } }
      : {
          pop3: {
            host: v.pop3Host,
            port: Number(v.pop3Port),
            security: v.pop3Security,
            leaveOnServer: v.leaveOnServer,
            ...(v.leaveOnServer && v.deleteAfterDays.trim() ? { deleteAfterDays: Number(v.deleteAfterDays) } : {}),
            deleteWhenDeletedLocally: v.leaveOnServer && v.deleteWhenDeletedLocally,
          },
        }),
    smtp: {
      host: v.smtpHost,
      port: Number(v.smtpPort),
      security: v.smtpSecurity,
      ...(smtpAuthMethod ? { authMethod: smtpAuthMethod } : {}),
      ...(v.smtpUsername.trim() ? { username: v.smtpUsername.trim() } : {}),
    },
  } satisfies AccountChanges;
}
