import type { KeyValueFile } from './settings-store.js';

const KEY = 'remoteContentSenders';
/** Enough for anyone's correspondents; the oldest choices go first past it. */
const MAX_SENDERS = 10_000;

/**
 * The senders whose mail may load remote content (images, style sheets) without asking: the
 * reader's "Always load from this sender". Kept in the settings file beside the accounts, as
 * lower-cased addresses.
 */
export class RemoteContentSenders {
  constructor(private readonly file: KeyValueFile) {}

  private list(): string[] {
    const raw = this.file.get(KEY);
    return Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
  }

  allows(address: string | undefined): boolean {
    if (!address) return false;
    return this.list().includes(address.trim().toLowerCase());
  }

  allow(address: string): void {
    const normalized = address.trim().toLowerCase();
    const others = this.list().filter((a) => a !== normalized);
    this.file.set(KEY, [...others, normalized].slice(-MAX_SENDERS));
  }
}
