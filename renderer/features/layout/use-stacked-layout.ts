import { useEffect, useState } from 'react';

/**
 * Where the panes stack instead of standing side by side: a narrow window, or a window zoomed to
 * 200%. The same width as the stacking rules in styles.css (@media (max-width: 900px)).
 */
export const STACKED_QUERY = '(max-width: 900px)';

function matches(): boolean {
  // Without matchMedia (not a browser) the panes are taken to stand side by side.
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(STACKED_QUERY).matches;
}

/** Whether the panes stack now, following the window as it is resized or zoomed. */
export function useStackedLayout(): boolean {
  const [stacked, setStacked] = useState(matches);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia(STACKED_QUERY);
    const follow = () => setStacked(query.matches);
    follow();
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  return stacked;
}
