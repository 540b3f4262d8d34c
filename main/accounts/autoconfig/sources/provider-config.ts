import { AppError } from '../../../../shared/errors.js';
import { configFileAnswer, type SourceContext, type SourceTask } from '../discovery-source.js';

/**
 * The provider's own config file, at the two places Thunderbird looks: autoconfig.<domain>
 * first, then <domain>/.well-known. HTTPS only: the file says where the password goes.
 * Most domains have no autoconfig host at all, so a name that does not exist means "no file
 * here", not a failure worth showing.
 */
export function providerConfigTasks(context: SourceContext): SourceTask[] {
  const domain = context.email.asciiDomain;
  return [
    `https://autoconfig.${domain}/mail/config-v1.1.xml`,
    `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`,
  ].map((where) => {
    const source = { kind: 'provider' as const, where };
    return {
      source,
      run: () =>
        configFileAnswer(context, source).catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'HOST_NOT_FOUND') return undefined;
          throw error;
        }),
    };
  });
}
