import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { identitiesOf, identityInputSchema, type Account, type Identity, type IdentityInput } from '../../shared/schemas.js';
import type { AccountSettings } from './settings-store.js';

/** The identity a new account starts with: its own name and address. */
export function firstIdentity(account: Pick<Account, 'name' | 'email'>): Identity {
  return { id: randomUUID(), name: account.name, email: account.email };
}

/** Adds, changes and removes the identities an account sends as (kept in the account's settings). */
export class Identities {
  constructor(private readonly settings: AccountSettings) {}

  list(accountId: string): Identity[] {
    return identitiesOf(this.account(accountId));
  }

  find(accountId: string, identityId: string | undefined): Identity {
    const all = this.list(accountId);
    if (identityId === undefined) return all[0]!;
    const found = all.find((i) => i.id === identityId);
    if (!found) throw new AppError('NOT_FOUND', { message: 'That identity no longer exists.', details: { identityId } });
    return found;
  }

  add(accountId: string, input: IdentityInput): Identity {
    const account = this.account(accountId);
    const identity: Identity = { id: randomUUID(), ...identityInputSchema.parse(input) };
    this.settings.save({ ...account, identities: [...identitiesOf(account), identity] });
    return identity;
  }

  update(accountId: string, identityId: string, input: IdentityInput): Identity {
    const account = this.account(accountId);
    this.find(accountId, identityId);
    const identity: Identity = { id: identityId, ...identityInputSchema.parse(input) };
    this.settings.save({ ...account, identities: identitiesOf(account).map((i) => (i.id === identityId ? identity : i)) });
    return identity;
  }

  remove(accountId: string, identityId: string): boolean {
    const account = this.account(accountId);
    const all = identitiesOf(account);
    if (!all.some((i) => i.id === identityId)) return false;
    if (all.length === 1) {
      throw new AppError('INVALID_ARGUMENT', { message: 'An account needs at least one identity to send as: add another before removing this one.' });
    }
    this.settings.save({ ...account, identities: all.filter((i) => i.id !== identityId) });
    return true;
  }

  private account(accountId: string): Account {
    const account = this.settings.get(accountId);
    if (!account) throw new AppError('NOT_FOUND', { message: 'That account no longer exists.' });
    return account;
  }
}
