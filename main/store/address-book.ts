import type { Database } from 'better-sqlite3';
import type { AddressSuggestion } from '../../shared/drafts.js';

type Entry = { name: string; nameAt: number; address: string; count: number; lastSeen: number; words: string[] };

type Row = [id: number, fromName: string | null, fromAddress: string | null, to: string, cc: string, at: number];

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The addresses seen in stored mail (From, To and Cc of every message), for the composer's
 * autocomplete (addresses.suggest). Kept in memory and brought up to date from the messages
 * table on each question: only rows added since the last one are read (rows are numbered in
 * the order they were stored), so a store of 100,000 messages is read once, and a question
 * after that costs a pass over the distinct addresses, not over the messages. Counts include
 * messages deleted since: an address once written to stays a good suggestion.
 */
export class AddressBook {
  private readonly entries = new Map<string, Entry>();
  private lastId = 0;

  constructor(private readonly db: Database) {}

  /**
   * Up to `limit` addresses whose address, or a word of whose name, starts with what was typed
   * (any case); then those that merely contain it. Within each: the most often and most recently
   * seen first (a count that fades by half over a month of silence). `exclude`: addresses already
   * in the field.
   */
  suggest(query: string, limit = 8, { now = Date.now(), exclude = [] as readonly string[] } = {}): AddressSuggestion[] {
    this.catchUp();
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const skip = new Set(exclude.map((a) => a.toLowerCase()));
    const found: { entry: Entry; prefix: boolean; score: number }[] = [];
    for (const [key, entry] of this.entries) {
      if (skip.has(key)) continue;
      const prefix = key.startsWith(q) || entry.words.some((w) => w.startsWith(q)) || entry.name.toLowerCase().startsWith(q);
      if (!prefix && !key.includes(q) && !entry.name.toLowerCase().includes(q)) continue;
      const ageDays = Math.max(0, (now - entry.lastSeen) / DAY_MS);
      found.push({ entry, prefix, score: entry.count / (1 + ageDays / 30) });
    }
    found.sort((a, b) => Number(b.prefix) - Number(a.prefix) || b.score - a.score || a.entry.address.localeCompare(b.entry.address));
    return found.slice(0, limit).map(({ entry }) => ({ name: entry.name, address: entry.address, count: entry.count, lastSeen: entry.lastSeen }));
  }

  /** Reads the messages stored since the last question. */
  private catchUp(): void {
    const rows = this.db
      .prepare(
        `SELECT id, from_name, from_address, to_addresses, cc_addresses, coalesce(date, internal_date)
           FROM messages WHERE id > ? ORDER BY id`,
      )
      .raw()
      .all(this.lastId) as Row[];
    for (const [id, fromName, fromAddress, to, cc, at] of rows) {
      this.lastId = id;
      if (fromAddress) this.add(fromName ?? '', fromAddress, at);
      for (const list of [to, cc]) {
        if (list === '[]') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(list);
        } catch {
          continue;
        }
        if (!Array.isArray(parsed)) continue;
        for (const a of parsed as { name?: unknown; address?: unknown }[]) {
          if (typeof a?.address === 'string') this.add(typeof a.name === 'string' ? a.name : '', a.address, at);
        }
      }
    }
  }

  private add(name: string, address: string, at: number): void {
    const trimmed = address.trim();
    // Only what looks like an address (a group's name or an undisclosed-recipients list is not one).
    if (!/^[^\s@]+@[^\s@]+$/.test(trimmed) || trimmed.length > 320) return;
    const key = trimmed.toLowerCase();
    const cleanName = name.replace(/[\r\n]+/g, ' ').trim();
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { name: cleanName, nameAt: cleanName ? at : 0, address: trimmed, count: 1, lastSeen: at, words: wordsOf(cleanName, key) });
      return;
    }
    entry.count++;
    entry.lastSeen = Math.max(entry.lastSeen, at);
    // The name most recently given wins (people fix their display names).
    if (cleanName && at >= entry.nameAt && cleanName !== entry.name) {
      entry.name = cleanName;
      entry.nameAt = at;
      entry.words = wordsOf(cleanName, key);
    }
  }
}

/** The words a suggestion answers to: its name's and its address's parts (alice.smith@… → alice, smith). */
function wordsOf(name: string, address: string): string[] {
  return [...name.toLowerCase().split(/[^\p{L}\p{N}]+/u), ...address.split(/[^\p{L}\p{N}]+/u)].filter((w) => w.length > 0);
}
