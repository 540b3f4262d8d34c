/** What can be done to several chosen messages at once. */
export type SelectionAction = 'read' | 'unread' | 'flag' | 'unflag' | 'delete';

const ACTIONS: { action: SelectionAction; label: string }[] = [
  { action: 'read', label: 'Mark as read' },
  { action: 'unread', label: 'Mark as unread' },
  { action: 'flag', label: 'Flag' },
  { action: 'unflag', label: 'Unflag' },
  { action: 'delete', label: 'Delete' },
];

/** Shown over the list while two or more rows are chosen: how many, and what to do with them. */
export function SelectionBar({ count, onAction, onClear }: { count: number; onAction: (action: SelectionAction) => void; onClear: () => void }) {
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected messages">
      <p aria-live="polite">{count.toLocaleString()} selected</p>
      {ACTIONS.map(({ action, label }) => (
        <button key={action} type="button" onClick={() => onAction(action)}>
          {label}
        </button>
      ))}
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
