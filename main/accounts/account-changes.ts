import { AppError } from '../../shared/errors.js';
import { accountSchema, type Account, type AccountChanges } from '../../shared/schemas.js';

type Server = { host: string; pinnedCertificate?: unknown };

/**
 * The account with `changes` applied, checked as a whole by the schema accounts.add uses. A
 * switch of incoming protocol drops the old protocol's server; a trusted certificate stays with
 * a server only while its host does; the default identity follows the account's name and address
 * when it was still just those.
 */
export function applyAccountChanges(account: Account, changes: AccountChanges): Account {
  const merged: Record<string, unknown> = { ...account, ...changes };
  const incoming = (merged.incoming as string | undefined) ?? 'imap';
  const other = incoming === 'imap' ? 'pop3' : 'imap';
  if (!(other in changes)) delete merged[other];
  for (const key of ['imap', 'pop3', 'smtp'] as const) {
    const before = account[key] as Server | undefined;
    const after = changes[key] as Server | undefined;
    if (after && before?.pinnedCertificate && before.host.toLowerCase() === after.host.trim().toLowerCase()) {
      merged[key] = { ...after, pinnedCertificate: before.pinnedCertificate };
    }
  }
  const first = account.identities?.[0];
  if (first && first.name === account.name && first.email === account.email) {
    merged.identities = [{ ...first, name: merged.name, email: merged.email }, ...account.identities!.slice(1)];
  }
  const parsed = accountSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('INVALID_ARGUMENT', { message: issue.message, details: { field: issue.path.join('.') } });
  }
  return parsed.data;
}
