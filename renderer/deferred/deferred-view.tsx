import { useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { deferred, NOT_LOADED, type Deferred } from './deferred.js';

export type DeferredView<P extends object> = ComponentType<P> & Pick<Deferred<ComponentType<P>>, 'load'>;

/**
 * A view in a chunk of its own (see deferred-parts.ts), drawn once its chunk is in; until then
 * `fallback`. React.lazy would do the fetching, but its first render suspends even when the chunk
 * is already in (a frame of the fallback, and a view not there yet for a shortcut to focus); this
 * draws at once when it is.
 */
export function deferredView<P extends object>(fetch: () => Promise<ComponentType<P>>, fallback: ReactNode = null): DeferredView<P> {
  const chunk = deferred(fetch);

  function View(props: P) {
    const [result, setResult] = useState(chunk.loaded);
    useEffect(() => {
      if (!result) void chunk.load().then(setResult);
    }, [result]);
    if (!result) return fallback;
    return result.ok ? <result.value {...props} /> : <ErrorAlert error={NOT_LOADED} />;
  }
  return Object.assign(View, { load: () => chunk.load() });
}
