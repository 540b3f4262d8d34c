import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { LIST_KEYS, SHORTCUTS } from './shortcuts.js';

/**
 * The help overlay (?): a modal dialog named "Keyboard shortcuts" listing every shortcut. Focus
 * moves into it, stays in it (Tab wraps at its one button), and goes back where it was on close.
 */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus?.();
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape' || event.key === '?') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === 'Tab') {
      // The dialog's only control: focus stays on it.
      event.preventDefault();
      close.current?.focus();
    }
  }

  const rows = [...SHORTCUTS.map((s) => ({ keys: s.keys, description: s.description })), ...LIST_KEYS];
  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className="dialog shortcuts-help" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Does</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.description}>
                <td>
                  {row.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 ? ' or ' : null}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{row.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="actions">
          <button type="button" ref={close} onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
