import type { Database, Statement } from 'better-sqlite3';

export type PendingRecord<A, U> = { id: number; accountId: string; action: A; undo: U; createdAt: number };

/**
 * The queue of changes already shown to the person but not yet made on the server (see the
 * pending_actions table). Written with synchronous=FULL: unlike the rest of the store, this is
 * not a copy of the server's state, and a power cut must not silently undo what someone did.
 */
export class PendingActions<A, U> {
  private readonly statements: { add: Statement; ofAccount: Statement; remove: Statement; accounts: Statement; has: Statement };

  constructor(private readonly db: Database) {
    this.statements = {
      add: db.prepare('INSERT INTO pending_actions (account_id, action, undo, created_at) VALUES (?, ?, ?, ?) RETURNING id'),
      ofAccount: db.prepare('SELECT id, account_id, action, undo, created_at FROM pending_actions WHERE account_id = ? ORDER BY id'),
      remove: db.prepare('DELETE FROM pending_actions WHERE id = ?'),
      accounts: db.prepare('SELECT DISTINCT account_id FROM pending_actions').pluck(),
      has: db.prepare('SELECT 1 FROM pending_actions WHERE id = ?').pluck(),
    };
  }

  /**
   * Records an action together with its local change: `applyLocally` makes the change and returns
   * what it replaced (the undo), in the same transaction as the record.
   */
  add(accountId: string, action: A, applyLocally: () => U): number {
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(() => {
        const u = applyLocally();
        const row = this.statements.add.get(accountId, JSON.stringify(action), JSON.stringify(u), Date.now()) as { id: number };
        return row.id;
      }).immediate();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  list(accountId: string): PendingRecord<A, U>[] {
    type Row = { id: number; account_id: string; action: string; undo: string; created_at: number };
    return (this.statements.ofAccount.all(accountId) as Row[]).map((r) => ({
      id: r.id,
      accountId: r.account_id,
      action: JSON.parse(r.action) as A,
      undo: JSON.parse(r.undo) as U,
      createdAt: r.created_at,
    }));
  }

  /** Done (or rolled back); `alsoRun` commits with the removal. */
  remove(id: number, alsoRun: () => void = () => {}): void {
    this.db.transaction(() => {
      alsoRun();
      this.statements.remove.run(id);
    }).immediate();
  }

  /** Still queued (not done, rolled back or undone). */
  has(id: number): boolean {
    return this.statements.has.get(id) !== undefined;
  }

  accounts(): string[] {
    return this.statements.accounts.all() as string[];
  }
}
