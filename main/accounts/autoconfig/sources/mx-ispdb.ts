import { getDomain } from 'tldts';
import { configFileAnswer, type SourceContext, type SourceTask } from '../discovery-source.js';
import { ispdbUrl } from './ispdb.js';

/**
 * The domain that hosts an MX: its registrable domain by the Public Suffix List
 * (mx1.mail.example.co.uk is example.co.uk's), the way Thunderbird asks the ISPDB for hosted
 * domains (a company's own domain whose mail Google or Microsoft handles).
 */
export function mxHostingDomain(mxHost: string): string | undefined {
  return getDomain(mxHost, { allowPrivateDomains: false }) ?? undefined;
}

/** The ISPDB's entry for the domain of the address's preferred MX host. */
export function mxIspdbTask(context: SourceContext, baseUrl: string): SourceTask {
  const { asciiDomain } = context.email;
  const source = { kind: 'ispdb-mx' as const, where: `MX of ${asciiDomain}` };
  return {
    source,
    run: async () => {
      const [mx] = await context.dns.mx(asciiDomain);
      const hosting = mx && mxHostingDomain(mx);
      // The same domain would only ask the ISPDB the same question again.
      if (!hosting || hosting === asciiDomain) return undefined;
      source.where = ispdbUrl(baseUrl, hosting);
      return configFileAnswer(context, source);
    },
  };
}
