import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, runMigrations, schemaVersion, StoreTooNewError, type Migration } from '../../../main/store/migrations.js';
import { openStore, STORE_FILE_NAME } from '../../../main/store/open-store.js';

const profile = () => mkdtempSync(join(tmpdir(), 'mua-store-'));
const latest = Math.max(...MIGRATIONS.map((m) => m.version));

describe('migrations', () => {
  it('apply once on a new database and not again on the next open', () => {
    const dir = profile();
    const first = openStore(dir);
    expect(schemaVersion(first)).toBe(latest);
    const tables = first.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['folders', 'messages', 'messages_fts']));
    first.close();

    const again = openStore(dir);
    expect(schemaVersion(again)).toBe(latest);
    expect(runMigrations(again)).toEqual([]);
    again.close();
  });

  it('run each pending migration exactly once, in order, each with its version', () => {
    const db = new Database(':memory:');
    const ran: number[] = [];
    const list: Migration[] = [
      { version: 2, name: 'two', up: (d) => (ran.push(2), d.exec('CREATE TABLE b (x)')) },
      { version: 1, name: 'one', up: (d) => (ran.push(1), d.exec('CREATE TABLE a (x)')) },
    ];
    expect(runMigrations(db, list)).toEqual([1, 2]);
    expect(runMigrations(db, list)).toEqual([]);
    expect(ran).toEqual([1, 2]);
    expect(schemaVersion(db)).toBe(2);
  });

  it('8 counts the replies of folders synced before it as checked for References (they were fetched for each)', () => {
    const db = new Database(':memory:');
    runMigrations(db, MIGRATIONS.filter((m) => m.version < 8));
    db.prepare("INSERT INTO folders (account_id, path, oldest_uid) VALUES ('a', 'INBOX', 40), ('a', 'New', NULL)").run();
    runMigrations(db);
    expect(db.prepare('SELECT path, references_from_uid FROM folders ORDER BY path').all()).toEqual([
      { path: 'INBOX', references_from_uid: 40 },
      { path: 'New', references_from_uid: null },
    ]);
  });

  it('leave the previous version intact when a migration fails half-way', () => {
    const db = new Database(':memory:');
    const list: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE a (x)') },
      { version: 2, name: 'broken', up: (d) => (d.exec('CREATE TABLE b (x)'), d.exec('THIS IS NOT SQL')) },
    ];
    expect(() => runMigrations(db, list)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").pluck().get()).toBe(0);
  });

  it('refuse a database written by a newer version, with a typed error, touching nothing', () => {
    const dir = profile();
    const db = new Database(join(dir, STORE_FILE_NAME));
    db.pragma(`user_version = ${latest + 1}`);
    db.close();

    let caught: unknown;
    try {
      openStore(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreTooNewError);
    expect(caught).toMatchObject({ code: 'STORE_TOO_NEW', found: latest + 1, known: latest });

    const after = new Database(join(dir, STORE_FILE_NAME));
    expect(schemaVersion(after)).toBe(latest + 1);
    expect(after.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'messages'").pluck().get()).toBe(0);
    after.close();
  });

  it('open with WAL, synchronous NORMAL, foreign keys and a busy timeout', () => {
    const db = openStore(profile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });
});
