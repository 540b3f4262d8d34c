import { z } from 'zod';

/** https, or http to this machine only (a test's token server): tokens never cross the network in clear. */
const endpointUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.username || url.password) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
    } catch {
      return false;
    }
  }, 'An OAuth endpoint must be an https address (or http on this computer).');

/**
 * An OAuth 2.0 provider the app can sign in with: its endpoints and the scopes mail needs, the
 * mail servers it is for, and the app's client ID there. Client IDs come from configuration
 * (oauth-config.ts), never from the source; a public client has no secret, though some providers
 * hand an "installed app" a non-confidential one, which configuration may then carry.
 */
export const oauthProviderSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/, 'A provider id is lower-case letters, digits and hyphens.'),
  name: z.string().min(1).max(100),
  /** Mail server host names it signs in for; one starting with a dot matches any host under that domain. */
  hosts: z.array(z.string().min(1).max(253)).min(1).max(50),
  authorizationEndpoint: endpointUrl,
  tokenEndpoint: endpointUrl,
  scopes: z.array(z.string().min(1).max(500)).min(1).max(20),
  clientId: z.string().min(1).max(500).optional(),
  clientSecret: z.string().min(1).max(500).optional(),
});
export type OAuthProvider = z.infer<typeof oauthProviderSchema>;

/** The providers known without configuration (no client IDs: those are the installation's). */
export const BUILT_IN_PROVIDERS: readonly OAuthProvider[] = [
  {
    id: 'google',
    name: 'Google',
    hosts: ['imap.gmail.com', 'pop.gmail.com', 'smtp.gmail.com', 'imap.googlemail.com', 'pop.googlemail.com', 'smtp.googlemail.com'],
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    scopes: ['https://mail.google.com/'],
  },
  {
    id: 'microsoft',
    name: 'Microsoft',
    hosts: ['outlook.office365.com', 'smtp.office365.com', 'smtp-mail.outlook.com', 'imap-mail.outlook.com', 'pop-mail.outlook.com'],
    authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    scopes: [
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'https://outlook.office.com/POP.AccessAsUser.All',
      'https://outlook.office.com/SMTP.Send',
      'offline_access',
    ],
  },
];

/** Whether `provider` signs in for the mail server `host`. */
export function providerServesHost(provider: Pick<OAuthProvider, 'hosts'>, host: string): boolean {
  const wanted = host.trim().toLowerCase().replace(/\.$/, '');
  return provider.hosts.some((entry) => {
    const h = entry.toLowerCase();
    return h.startsWith('.') ? wanted.endsWith(h) : wanted === h;
  });
}

/** The provider for an account's incoming server, if any. */
export function providerForHost(providers: readonly OAuthProvider[], host: string): OAuthProvider | undefined {
  return providers.find((p) => providerServesHost(p, host));
}
