/** What a chunk's loading came to: its module, or that it could not be fetched. */
export type Loaded<T> = { ok: true; value: T } | { ok: false };

export interface Deferred<T> {
  /** What the chunk gave, once it is in (or that it failed); undefined while it has not come. */
  readonly loaded: Loaded<T> | undefined;
  /** Fetches the chunk, once however often asked; never rejects. */
  load(): Promise<Loaded<T>>;
}

/** The user-facing words for a chunk that did not come (a file missing after an update, say). */
export const NOT_LOADED = {
  code: 'INTERNAL',
  message: 'This part of the app could not be loaded. Reload the window and try again.',
} as const;

/**
 * Code kept out of the start-up chunk, fetched on first need or when preloaded. Once it is in,
 * `loaded` answers synchronously, so what uses it need not wait a turn (a view draws at once, a
 * key's action happens at once). A failure is kept too: the message asks for the reload that may
 * bring the file.
 */
export function deferred<T>(fetch: () => Promise<T>): Deferred<T> {
  let loading: Promise<Loaded<T>> | undefined;
  let loaded: Loaded<T> | undefined;
  return {
    get loaded() {
      return loaded;
    },
    load() {
      loading ??= fetch().then(
        (value) => (loaded = { ok: true, value }),
        () => (loaded = { ok: false }),
      );
      return loading;
    },
  };
}
