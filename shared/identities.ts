import type { Account, Identity } from './schemas.js';

/**
 * Who the account sends as, the default first. An account stored without identities (made
 * before them, or in a test's memory settings) has one: its own name and address, with the
 * account's id. (Apart from the schemas, so the renderer need not build them to call it.)
 */
export function identitiesOf(account: Pick<Account, 'id' | 'name' | 'email' | 'identities'>): Identity[] {
  if (account.identities?.length) return account.identities;
  return [{ id: account.id, name: account.name, email: account.email }];
}
