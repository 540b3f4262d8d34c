import { randomBytes } from 'node:crypto';
import type { MessageSourceRef } from '../mime/parse-message-file.js';
import { openPart, type OpenedPart } from './read-part.js';

/** A message, as the contract names it. */
export type MessageRef = { accountId: string; folder: string; uid: number };

/** What the part routes (bridge, app://) need: a message from a key, and a part of it. */
export type PartSource = {
  refOf(key: string): MessageRef | undefined;
  open(ref: MessageRef, part: number): Promise<OpenedPart>;
};

/**
 * The parts of open messages, and the keys they are served under (shared/message-parts.ts).
 * A key is 32 random bytes handed out with message.open, one per message, kept in memory only:
 * it means nothing after the app stops, and nothing to anyone who could not open the message
 * through the contract. The newest `limit` messages keep theirs (a message opened again gets
 * its key back, or a new one once forgotten).
 */
export class MessageParts implements PartSource {
  private readonly byKey = new Map<string, MessageRef>();
  private readonly byMessage = new Map<string, string>();

  constructor(
    private readonly sourceOf: (ref: MessageRef) => Promise<MessageSourceRef>,
    private readonly limit = 10_000,
  ) {}

  keyFor(ref: MessageRef): string {
    const id = `${ref.accountId}\u0000${ref.folder}\u0000${ref.uid}`;
    const key = this.byMessage.get(id) ?? randomBytes(32).toString('hex');
    // Re-inserted: Map keeps insertion order, so the oldest is first when one must go.
    this.byMessage.delete(id);
    this.byMessage.set(id, key);
    this.byKey.delete(key);
    this.byKey.set(key, { accountId: ref.accountId, folder: ref.folder, uid: ref.uid });
    while (this.byMessage.size > this.limit) {
      const [oldId, oldKey] = this.byMessage.entries().next().value as [string, string];
      this.byMessage.delete(oldId);
      this.byKey.delete(oldKey);
    }
    return key;
  }

  refOf(key: string): MessageRef | undefined {
    return this.byKey.get(key);
  }

  /** One part of the message, streaming from its kept copy (fetched and kept first if need be). */
  async open(ref: MessageRef, part: number): Promise<OpenedPart> {
    return openPart(await this.sourceOf(ref), part);
  }
}
