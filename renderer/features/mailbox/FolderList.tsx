import type { Folder } from '../../../shared/schemas.js';

type Props = {
  folders: Folder[];
  selectedPath: string;
  onSelect: (path: string) => void;
};

/** The account's folders, Inbox first; each names itself and its unread count ("Inbox, 2 unread"). */
export function FolderList({ folders, selectedPath, onSelect }: Props) {
  if (folders.length === 0) return null;
  return (
    <nav aria-label="Folders">
      <ul className="folder-list">
        {folders.map((f) => {
          const depth = f.delimiter ? f.path.split(f.delimiter).length - 1 : 0;
          return (
            <li key={f.path} style={depth > 0 ? { paddingLeft: `${depth}rem` } : undefined}>
              {f.selectable ? (
                <button
                  type="button"
                  // Named in words, not from the layout (a flex row's parts would be joined with spaces).
                  aria-label={f.unread > 0 ? `${f.name}, ${f.unread} unread` : f.name}
                  aria-current={f.path === selectedPath ? 'true' : undefined}
                  className={f.unread > 0 ? 'has-unread' : undefined}
                  onClick={() => onSelect(f.path)}
                >
                  <span className="folder-name">{f.name}</span>
                  {/* A space between name and count (the flex row does not draw it): the visible words
                      "Inbox 3" are then a part of the label "Inbox, 3 unread" (axe: label-content-name-mismatch). */}
                  {f.unread > 0 ? (
                    <>
                      {' '}
                      <span className="unread-count">{f.unread}</span>
                    </>
                  ) : null}
                </button>
              ) : (
                <span className="folder-name">{f.name}</span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
