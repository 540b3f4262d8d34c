import { useCallback, useEffect, useState, type CSSProperties } from 'react';

/** The widths, in CSS pixels, of the folders pane and the message list (the reader takes the rest). */
export type PaneLayout = { folders: number; list: number };

export const DEFAULT_LAYOUT: PaneLayout = { folders: 240, list: 420 };
export const PANE_LIMITS = { folders: { min: 160, max: 480 }, list: { min: 260, max: 900 } } as const;
const STORAGE_KEY = 'mua.layout';

const clamp = (value: number, { min, max }: { min: number; max: number }) => Math.round(Math.min(max, Math.max(min, value)));

/** The layout kept from last time, within the limits; the defaults when there is none or it is not readable. */
export function readLayout(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): PaneLayout {
  try {
    const saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as Partial<PaneLayout> | null;
    return {
      folders: clamp(Number(saved?.folders) || DEFAULT_LAYOUT.folders, PANE_LIMITS.folders),
      list: clamp(Number(saved?.list) || DEFAULT_LAYOUT.list, PANE_LIMITS.list),
    };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** The panes' widths, remembered in localStorage, and the CSS variables that draw them. */
export function usePaneLayout() {
  const [layout, setLayout] = useState<PaneLayout>(() => readLayout());
  useEffect(() => {
    try {
      safeStorage()?.setItem(STORAGE_KEY, JSON.stringify(layout));
    } catch {
      // A full or refused storage only means the layout is not remembered.
    }
  }, [layout]);
  const resize = useCallback((pane: keyof PaneLayout, width: number) => setLayout((now) => ({ ...now, [pane]: clamp(width, PANE_LIMITS[pane]) })), []);
  const style = { '--folders-width': `${layout.folders}px`, '--list-width': `${layout.list}px` } as CSSProperties;
  return { layout, resize, style };
}
