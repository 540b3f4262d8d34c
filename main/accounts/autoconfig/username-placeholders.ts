import type { EmailParts } from './email-parts.js';

/**
 * Fills in the placeholders of config-v1.1.xml (%EMAILADDRESS%, %EMAILLOCALPART%,
 * %EMAILDOMAIN%). %REALNAME% and any other unknown placeholder are left as they are: the person
 * sees them in the editable settings rather than a silently wrong login name.
 */
export function fillPlaceholders(template: string, parts: EmailParts): string {
  // One pass with a callback, so an address that itself contains "%EMAILDOMAIN%" is not expanded again.
  return template.replace(/%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g, (_match, name: string) => {
    if (name === 'EMAILADDRESS') return parts.address;
    if (name === 'EMAILLOCALPART') return parts.localPart;
    return parts.domain;
  });
}
