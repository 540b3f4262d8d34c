import { TableKit } from '@tiptap/extension-table';
import type { EditorState } from '@tiptap/pm/state';
import { isInTable, selectedRect } from '@tiptap/pm/tables';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { linkAddress } from './rich-text.js';

type Props = {
  /** The HTML the editor starts with (read once, when it mounts). */
  initialHtml: string;
  onChange: (html: string) => void;
  /** The id of the element that names the editing area ("Message"). */
  labelledBy: string;
  /** Tests take hold of the editor (to type, where jsdom has no keyboard for contenteditable). */
  onReady?: (editor: Editor) => void;
};

/** Only these links are kept, typed, pasted or made by autolink: nothing that runs or reads files. */
const ALLOWED_LINK = /^(https?:\/\/|mailto:)/i;

/**
 * The composer's rich text: TipTap (on ProseMirror) with its starter kit (paragraphs, bold,
 * italic, underline, strike, links, lists, quotes, headings, code), its tables (a header row,
 * rows and columns added and removed; cells spanning several, as pasted or quoted, kept) and a
 * toolbar of the commands people use in mail. TipTap's own style sheet is not injected (the
 * app's CSP allows no inline style); the few rules it needs are in styles.css. What it makes is
 * sanitized again in main before it goes anywhere (the tables' widths, set as style, go there).
 */
export function RichTextEditor({ initialHtml, onChange, labelledBy, onReady }: Props) {
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        link: {
          openOnClick: false,
          autolink: true,
          linkOnPaste: true,
          defaultProtocol: 'https',
          HTMLAttributes: { target: null, rel: null },
          isAllowedUri: (url) => ALLOWED_LINK.test(url),
          shouldAutoLink: (url) => ALLOWED_LINK.test(url) || !/^[a-z][a-z0-9+.-]*:/i.test(url),
        },
      }),
      // Columns keep their natural widths: dragging them would only set style, which mail drops.
      TableKit.configure({ table: { resizable: false } }),
    ],
    content: initialHtml,
    injectCSS: false,
    editorProps: {
      attributes: { role: 'textbox', 'aria-multiline': 'true', 'aria-labelledby': labelledBy, class: 'rich-editor' },
    },
    onCreate: ({ editor: created }) => onReady?.(created),
    onUpdate: ({ editor: updated }) => onChange(updated.getHTML()),
  });
  return (
    <div className="rich-text">
      {editor ? <Toolbar editor={editor} /> : null}
      <EditorContent editor={editor} />
    </div>
  );
}

function Toolbar({ editor }: { editor: Editor }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      link: e.isActive('link'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      table: e.isActive('table'),
      ...removable(e.state),
    }),
  });
  const [linking, setLinking] = useState(false);
  const chain = () => editor.chain().focus();
  return (
    <>
      <div role="toolbar" aria-label="Formatting" className="format-toolbar">
        <ToolButton label="Bold" pressed={state.bold} onClick={() => chain().toggleBold().run()} shortcut="Control+B">
          <b>B</b>
        </ToolButton>
        <ToolButton label="Italic" pressed={state.italic} onClick={() => chain().toggleItalic().run()} shortcut="Control+I">
          <i>I</i>
        </ToolButton>
        <ToolButton label="Link" pressed={state.link} expanded={linking} onClick={() => setLinking((open) => !open)}>
          Link
        </ToolButton>
        <ToolButton label="Bulleted list" pressed={state.bulletList} onClick={() => chain().toggleBulletList().run()}>
          Bulleted list
        </ToolButton>
        <ToolButton label="Numbered list" pressed={state.orderedList} onClick={() => chain().toggleOrderedList().run()}>
          Numbered list
        </ToolButton>
        {/* Three columns with a header row; no table inside a table (mail programs show them badly). */}
        <ActionButton label="Insert table" disabled={state.table} onClick={() => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()} />
      </div>
      {state.table ? (
        // Shown while the caret is in a table: rows go below the caret's, columns to its right.
        <div role="toolbar" aria-label="Table" className="format-toolbar">
          <ActionButton label="Add row" onClick={() => chain().addRowAfter().run()} />
          <ActionButton label="Remove row" disabled={!state.canRemoveRow} onClick={() => chain().deleteRow().run()} />
          <ActionButton label="Add column" onClick={() => chain().addColumnAfter().run()} />
          <ActionButton label="Remove column" disabled={!state.canRemoveColumn} onClick={() => chain().deleteColumn().run()} />
          <ActionButton label="Remove table" onClick={() => chain().deleteTable().run()} />
        </div>
      ) : null}
      {linking ? <LinkForm editor={editor} onClose={() => setLinking(false)} /> : null}
    </>
  );
}

type ToolButtonProps = { label: string; pressed: boolean; expanded?: boolean; onClick: () => void; shortcut?: string; children: ReactNode };

function ToolButton({ label, pressed, expanded, onClick, shortcut, children }: ToolButtonProps) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      aria-expanded={expanded}
      aria-keyshortcuts={shortcut}
      // Keeps the editor's selection: the command applies to what the person had selected.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/**
 * Whether the caret's row and column may be removed: not when they are the table's only one
 * (Remove table does that). prosemirror-tables' deleteRow and deleteColumn refuse then, but only
 * when run: asked beforehand (can()) they answer yes, so the check is made here.
 */
function removable(state: EditorState): { canRemoveRow: boolean; canRemoveColumn: boolean } {
  if (!isInTable(state)) return { canRemoveRow: false, canRemoveColumn: false };
  const rect = selectedRect(state);
  return {
    canRemoveRow: !(rect.top === 0 && rect.bottom === rect.map.height),
    canRemoveColumn: !(rect.left === 0 && rect.right === rect.map.width),
  };
}

/** A command (not a state to toggle): named by its words, which it shows. */
function ActionButton({ label, disabled, onClick }: { label: string; disabled?: boolean; onClick: () => void }) {
  return (
    <button type="button" disabled={disabled} onMouseDown={(event) => event.preventDefault()} onClick={onClick}>
      {label}
    </button>
  );
}

/**
 * The address of a link, for the selected text (or, with nothing selected, written in as its own
 * text). Only http, https and mailto addresses are taken; "example.test" is taken as https.
 */
function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const inputId = useId();
  const [address, setAddress] = useState(() => (editor.getAttributes('link').href as string | undefined) ?? '');
  const [error, setError] = useState<string>();

  function apply(event?: FormEvent) {
    event?.preventDefault();
    const href = linkAddress(address);
    if (!href) return setError('Enter a web address (https://…) or an email address.');
    const { empty } = editor.state.selection;
    if (empty && !editor.isActive('link')) {
      editor.chain().focus().insertContent({ type: 'text', text: href.replace(/^mailto:/i, ''), marks: [{ type: 'link', attrs: { href } }] }).run();
    } else {
      editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
    }
    onClose();
  }

  return (
    <fieldset className="link-form">
      <legend>Link</legend>
      <div className="field">
        <label htmlFor={inputId}>Link address</label>
        <input
          id={inputId}
          type="url"
          value={address}
          autoFocus
          onChange={(e) => setAddress(e.target.value)}
          onKeyDown={(e) => {
            // Enter applies the link here, not Send on the composer's form.
            if (e.key === 'Enter') apply(e);
            if (e.key === 'Escape') onClose();
          }}
        />
      </div>
      {error ? (
        <div role="alert" className="error-alert">
          <p>{error}</p>
        </div>
      ) : null}
      <div className="actions">
        <button type="button" onClick={() => apply()}>
          Apply link
        </button>
        {editor.isActive('link') ? (
          <button
            type="button"
            onClick={() => {
              editor.chain().focus().extendMarkRange('link').unsetLink().run();
              onClose();
            }}
          >
            Remove link
          </button>
        ) : null}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
