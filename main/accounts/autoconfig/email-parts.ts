import { domainToASCII } from 'node:url';
import { AppError } from '../../../shared/errors.js';

/** An address split the way config files and DNS need it. */
export type EmailParts = {
  /** The address as the person typed it (trimmed). */
  address: string;
  localPart: string;
  /** The domain as typed: what %EMAILDOMAIN% stands for in a login name. */
  domain: string;
  /** Its A-label form, lower case: what goes into DNS names and URLs. */
  asciiDomain: string;
};

export function emailParts(email: string): EmailParts {
  const address = email.trim();
  const at = address.lastIndexOf('@');
  const domain = at > 0 ? address.slice(at + 1) : '';
  const asciiDomain = domain ? domainToASCII(domain).toLowerCase() : '';
  if (at < 1 || !asciiDomain) {
    throw new AppError('INVALID_ARGUMENT', { message: `“${address}” is not a valid email address.` });
  }
  return { address, localPart: address.slice(0, at), domain, asciiDomain };
}
