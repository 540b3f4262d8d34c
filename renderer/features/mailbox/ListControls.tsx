import { useEffect, useId, useState } from 'react';
import type { ListOrder, ListSort } from './use-message-pages.js';

const STORAGE_KEY = 'mua.listOrder';
const SORTS: { value: ListSort; label: string }[] = [
  { value: 'date', label: 'Date' },
  { value: 'sender', label: 'Sender' },
  { value: 'subject', label: 'Subject' },
];

/** The list's order as last chosen (by date, one row a message, when nothing was). */
export function storedListOrder(): ListOrder {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<ListOrder> | null;
    const sort = SORTS.some((s) => s.value === saved?.sort) ? saved!.sort! : 'date';
    return { sort, threads: saved?.threads === true };
  } catch {
    return { sort: 'date', threads: false };
  }
}

/** The list's order and grouping, remembered in localStorage like the layout. */
export function useListOrder() {
  const [order, setOrder] = useState<ListOrder>(storedListOrder);
  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(order));
    } catch {
      // Not remembered; nothing else is lost.
    }
  }, [order]);
  return [order, setOrder] as const;
}

/** "Sort by" (date, sender, subject) and "Conversations" (one row per thread; by date only). */
export function ListControls({ order, onChange }: { order: ListOrder; onChange: (order: ListOrder) => void }) {
  const sortId = useId();
  const threadsId = useId();
  return (
    <div className="list-controls">
      <label htmlFor={sortId}>Sort by</label>
      <select id={sortId} value={order.sort} onChange={(e) => onChange({ ...order, sort: e.target.value as ListSort })}>
        {SORTS.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
      <input
        id={threadsId}
        type="checkbox"
        checked={order.threads && order.sort === 'date'}
        disabled={order.sort !== 'date'}
        onChange={(e) => onChange({ ...order, threads: e.target.checked })}
      />
      <label htmlFor={threadsId}>Conversations</label>
    </div>
  );
}
