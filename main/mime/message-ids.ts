/** One <id@host>, as Message-ID, In-Reply-To and References carry them. */
export const MESSAGE_ID = /<[^<>\s]{1,995}>/g;

/** The first <id@host> in a header value, or null. */
export function messageIdOf(value: string | undefined): string | null {
  return value?.match(MESSAGE_ID)?.[0] ?? null;
}
