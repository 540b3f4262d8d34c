import { useEffect, useRef, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import type { Account } from '../../../shared/schemas.js';

/**
 * The accounts kept (accounts.list, then as main says they changed) and the one chosen (the
 * first until another is). `onNone` is told once, when there turns out to be none at the start;
 * `onListed` is told of the list read at the start before it is drawn.
 */
export function useAccounts(client: ContractClient, onError: (error: AppErrorDto) => void, onNone: () => void, onListed: (accounts: Account[]) => void = () => {}) {
  const [accounts, setAccounts] = useState<Account[]>();
  const [accountId, setAccountId] = useState<string>();
  // The list is asked for once per client: the latest callbacks are used without asking again.
  const told = useRef({ onError, onNone, onListed });
  told.current = { onError, onNone, onListed };

  useEffect(() => {
    void client.invoke('accounts.list', {}).then((reply) => {
      if (!reply.ok) return told.current.onError(reply.error);
      told.current.onListed(reply.value);
      setAccounts(reply.value);
      setAccountId((current) => current ?? reply.value[0]?.id);
      if (reply.value.length === 0) told.current.onNone();
    });
    return client.on('accounts.changed', ({ accounts: next }) => setAccounts(next));
  }, [client]);

  const list = accounts ?? [];
  return {
    /** Every account (none while the list is still being read). */
    accounts: list,
    accountId,
    account: list.find((a) => a.id === accountId),
    choose: setAccountId,
    emailOf: (id: string) => list.find((a) => a.id === id)?.email ?? id,
    /** Added with the setup wizard: it is chosen. */
    added(saved: Account) {
      setAccounts((now) => [...(now ?? []).filter((a) => a.id !== saved.id), saved]);
      setAccountId(saved.id);
    },
    updated(saved: Account) {
      setAccounts((now) => (now ?? []).map((a) => (a.id === saved.id ? saved : a)));
    },
    /** Removed from this computer: the first of the rest is chosen. Answers the rest. */
    removed(removedId: string): Account[] {
      const rest = list.filter((a) => a.id !== removedId);
      setAccounts(rest);
      setAccountId(rest[0]?.id);
      return rest;
    },
  };
}

export type Accounts = ReturnType<typeof useAccounts>;
