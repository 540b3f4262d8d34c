import { useMemo } from 'react';
import { badgeLabel, explainResult, summarizeAuthentication } from './auth-results.js';

/**
 * What the receiving server found when it checked the message's sender (SPF, DKIM, DMARC),
 * from its Authentication-Results: a short badge that opens to a plain explanation.
 */
export function AuthBadge({ fields }: { fields: readonly string[] }) {
  const summary = useMemo(() => summarizeAuthentication(fields), [fields]);
  if (fields.length === 0) return null;
  const label = badgeLabel(summary);
  return (
    <details className={`auth-badge auth-${summary.overall}`}>
      <summary>{label}</summary>
      <ul aria-label="Authentication results">
        <li>{explainResult('spf', summary.spf)}</li>
        <li>{explainResult('dkim', summary.dkim)}</li>
        <li>{explainResult('dmarc', summary.dmarc)}</li>
      </ul>
      <p className="auth-note">
        {summary.authservId ? `Checked by ${summary.authservId} when the message arrived. ` : 'No usable check was recorded. '}
        {summary.overall === 'fail'
          ? 'Be careful with links and attachments: the sender may not be who they claim.'
          : summary.overall === 'pass'
            ? 'This confirms the domain the message came from, not that its content is safe.'
            : 'Without a check nothing confirms who sent it.'}
      </p>
    </details>
  );
}
