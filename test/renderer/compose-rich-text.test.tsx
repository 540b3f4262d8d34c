// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Editor } from '@tiptap/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageDetail } from '../../shared/schemas.js';
import { plainTextOf } from '../../shared/plain-text.js';
import { Compose } from '../../renderer/features/compose/Compose.js';
import { linkAddress, textToHtml } from '../../renderer/features/compose/rich-text.js';
import { quotableHtml } from '../../renderer/features/compose/quote-html.js';
import { draftFromSaved, EMPTY_DRAFT, type Draft } from '../../renderer/features/compose/reply-draft.js';
import { forwardDraft, replyAllDraft, replyDraft } from '../../renderer/features/compose/answer-drafts.js';
import { testAccount } from '../support/test-account.js';
import { fakeClient, type ScriptedReply } from './fake-client.js';
import { composerReplies } from './mail-fixtures.js';

/*
 * The composer's rich text (TipTap) beside plain text: the toolbar and the switch, what goes to
 * mail.send and drafts.save in each mode, quoting in replies and forwards, and a forward's
 * attachments listed and sent by reference. jsdom has no keyboard for contenteditable, so the
 * tests type through the editor's own commands and use the toolbar as a person would.
 */

const account = testAccount();

// jsdom lays nothing out: ProseMirror scrolls the selection into view with these, so they answer "nowhere".
beforeAll(() => {
  const none = () => ({ x: 0, y: 0, top: 0, left: 0, bottom: 0, right: 0, width: 0, height: 0, toJSON: () => ({}) }) as DOMRect;
  const list = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  for (const proto of [Range.prototype, Element.prototype]) {
    if (!('getClientRects' in proto) || typeof proto.getClientRects !== 'function') Object.defineProperty(proto, 'getClientRects', { value: list, configurable: true });
    if (typeof proto.getBoundingClientRect !== 'function') Object.defineProperty(proto, 'getBoundingClientRect', { value: none, configurable: true });
  }
  if (typeof document.elementFromPoint !== 'function') document.elementFromPoint = () => null;
});

beforeEach(() => localStorage.clear());
afterEach(cleanup);

function compose(initial: Draft = { ...EMPTY_DRAFT, to: 'bob@example.test' }, replies: Record<string, ScriptedReply> = {}, autosaveDelayMs = 60_000) {
  const fake = fakeClient({ ...composerReplies(account.id), ...replies });
  let editor: Editor | undefined;
  const onQueued = vi.fn();
  render(
    <Compose
      client={fake.client}
      account={account}
      initial={initial}
      onQueued={onQueued}
      onDiscard={() => {}}
      autosaveDelayMs={autosaveDelayMs}
      onEditorReady={(e) => (editor = e)}
    />,
  );
  // The editor on the page: a first one may be made and dropped while the editor's code loads.
  const editorReady = async () => {
    await waitFor(() => expect(editor && !editor.isDestroyed && editor.view.dom.isConnected).toBe(true));
    return editor!;
  };
  /** Presses Send; answers what went to mail.send once the message is queued. */
  const send = async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onQueued).toHaveBeenCalled());
    return fake.callsOf('mail.send')[0]!;
  };
  return { ...fake, onQueued, editorReady, send };
}

/** The first table's rows as their cells' kinds ("th td"), as the editor holds them. */
function shapeOf(editor: Editor): string[] {
  const rows: string[] = [];
  editor.state.doc.descendants((node) => {
    if (node.type.name === 'tableRow') rows.push(Array.from({ length: node.childCount }, (_, i) => (node.child(i).type.name === 'tableHeader' ? 'th' : 'td')).join(' '));
    return true;
  });
  return rows;
}

/** Puts the caret at the end of a cell's text (row and column from 0), as a click there would. */
function caretInCell(editor: Editor, row: number, col: number) {
  let at: number | undefined;
  let r = -1;
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === 'tableRow') {
      r++;
      if (r === row) {
        let offset = pos + 1;
        for (let i = 0; i < col; i++) offset += node.child(i).nodeSize;
        // Into the cell, its paragraph, past its text.
        at = offset + 1 + 1 + node.child(col).child(0).content.size;
      }
    }
    return at === undefined;
  });
  if (at === undefined) throw new Error(`no cell at row ${row}, column ${col}`);
  act(() => {
    editor.commands.setTextSelection(at!);
  });
}

const original: MessageDetail = {
  uid: 4,
  messageId: '<orig@example.test>',
  from: { name: 'Bob', address: 'bob@example.test' },
  subject: 'Lunch',
  date: '2024-01-02T12:00:00.000Z',
  receivedAt: 0,
  unread: false,
  flagged: false,
  hasAttachments: true,
  size: 100,
  to: [{ name: 'Alice', address: 'alice@example.test' }],
  cc: [{ name: '', address: 'carol@example.test' }],
  replyTo: [],
  references: ['<root@example.test>'],
  text: 'Shall we?\n> earlier words',
  html: '<p>Shall <b>we</b>?</p><img src="https://tracker.example/p.gif"><script>alert(1)</script><p onclick="x()">Tomorrow</p>',
  attachments: [
    { filename: 'menu.pdf', contentType: 'application/pdf', size: 2048 },
    { filename: 'map.png', contentType: 'image/png', size: 512 },
  ],
};

describe('the switch between rich and plain text, and the toolbar', () => {
  it('opens a new message in plain text, and offers the toolbar with its names once switched to rich text', async () => {
    compose();
    expect((screen.getByLabelText('Plain text') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByLabelText('Message').tagName).toBe('TEXTAREA');
    expect(screen.queryByRole('toolbar', { name: 'Formatting' })).toBeNull();

    fireEvent.click(screen.getByLabelText('Rich text'));
    const toolbar = await screen.findByRole('toolbar', { name: 'Formatting' });
    for (const name of ['Bold', 'Italic', 'Link', 'Bulleted list', 'Numbered list', 'Insert table']) {
      expect(within(toolbar).getByRole('button', { name })).toBeTruthy();
    }
    const area = screen.getByRole('textbox', { name: 'Message' });
    expect(area.getAttribute('contenteditable')).toBe('true');
  });

  it('sends rich text as HTML with the plain text derived from it: bold made with the Bold button', async () => {
    const { editorReady, send } = compose();
    fireEvent.click(screen.getByLabelText('Rich text'));
    const editor = await editorReady();
    act(() => {
      editor.commands.insertContent('Hello bold world');
      // "bold" selected (positions count from the paragraph's start, 1).
      editor.commands.setTextSelection({ from: 7, to: 11 });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Bold' }));
    expect(screen.getByRole('button', { name: 'Bold' }).getAttribute('aria-pressed')).toBe('true');
    const sent = await send();
    expect(sent.html).toBe('<p>Hello <strong>bold</strong> world</p>');
    expect(sent.text).toBe('Hello bold world');
  });

  it('makes italic, bulleted and numbered lists with the toolbar', async () => {
    const { editorReady, send } = compose();
    fireEvent.click(screen.getByLabelText('Rich text'));
    const editor = await editorReady();
    act(() => {
      editor.commands.insertContent('<p>slanted</p><p>one</p><p>two</p>');
      editor.commands.setTextSelection({ from: 1, to: 8 });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Italic' }));
    act(() => {
      editor.commands.setTextSelection(12);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Bulleted list' }));
    act(() => {
      editor.commands.setTextSelection(editor.state.doc.content.size - 2);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Numbered list' }));
    const sent = await send();
    expect(sent.html).toBe('<p><em>slanted</em></p><ul><li><p>one</p></li></ul><ol><li><p>two</p></li></ol>');
    expect(sent.text).toBe('slanted\n- one\n\n 1. two');
  });

  it('links the selected text to an address typed in Link address, and refuses a javascript: one', async () => {
    const { editorReady, send } = compose();
    fireEvent.click(screen.getByLabelText('Rich text'));
    const editor = await editorReady();
    act(() => {
      editor.commands.insertContent('See our site');
      editor.commands.setTextSelection({ from: 9, to: 13 });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Link' }));
    fireEvent.change(screen.getByLabelText('Link address'), { target: { value: 'javascript:alert(1)' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply link' }));
    expect(screen.getByRole('alert').textContent).toMatch(/web address/);
    expect(editor.getHTML()).not.toContain('<a');

    fireEvent.change(screen.getByLabelText('Link address'), { target: { value: 'example.test/about' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply link' }));
    expect(screen.queryByLabelText('Link address')).toBeNull();
    const sent = await send();
    expect(sent.html).toBe('<p>See our <a href="https://example.test/about">site</a></p>');
    expect(sent.text).toBe('See our site <https://example.test/about>');
  });

  it('inserts a table with Insert table, grows and shrinks it with the Table toolbar, and sends it as an HTML table', async () => {
    const { editorReady, send } = compose();
    fireEvent.click(screen.getByLabelText('Rich text'));
    const editor = await editorReady();
    act(() => {
      editor.commands.insertContent('Menu:');
    });
    // The table's own controls show only while the caret is in a table.
    expect(screen.queryByRole('toolbar', { name: 'Table' })).toBeNull();
    fireEvent.click(within(screen.getByRole('toolbar', { name: 'Formatting' })).getByRole('button', { name: 'Insert table' }));
    const table = await screen.findByRole('toolbar', { name: 'Table' });
    expect(within(table).getAllByRole('button').map((b) => b.textContent)).toEqual(['Add row', 'Remove row', 'Add column', 'Remove column', 'Remove table']);
    // Three by three, a header row; and no table inside a table.
    expect(shapeOf(editor)).toEqual(['th th th', 'td td td', 'td td td']);
    expect(screen.getByRole('button', { name: 'Insert table' }).hasAttribute('disabled')).toBe(true);

    const press = (name: string) => fireEvent.click(within(table).getByRole('button', { name }));
    // Rows go below the caret's row, columns to the right of its column.
    press('Add row');
    press('Add column');
    expect(shapeOf(editor)).toEqual(['th th th th', 'td td td td', 'td td td td', 'td td td td']);
    caretInCell(editor, 3, 0);
    press('Remove row');
    press('Remove column');
    press('Remove column');
    expect(shapeOf(editor)).toEqual(['th th', 'td td', 'td td']);

    for (const [row, col, text] of [[0, 0, 'Day'], [0, 1, 'Dish'], [1, 0, 'Monday'], [1, 1, 'Soup'], [2, 0, 'Tuesday'], [2, 1, 'Salad']] as const) {
      caretInCell(editor, row, col);
      act(() => {
        editor.commands.insertContent(text);
      });
    }
    const sent = await send();
    const doc = new DOMParser().parseFromString(String(sent.html), 'text/html');
    expect(doc.body.firstElementChild?.textContent).toBe('Menu:');
    expect([...doc.querySelectorAll('table tr')].map((tr) => [...tr.children].map((cell) => `${cell.localName}:${cell.textContent}`))).toEqual([
      ['th:Day', 'th:Dish'],
      ['td:Monday', 'td:Soup'],
      ['td:Tuesday', 'td:Salad'],
    ]);
    // The text alternative lays the table out in columns, the header as written.
    expect(sent.text).toMatch(/^Menu:\n+Day +Dish\nMonday +Soup\nTuesday +Salad$/);
  });

  it('offers no Remove row or Remove column for a table’s last one, and Remove table takes it all out', async () => {
    const { editorReady, send } = compose();
    fireEvent.click(screen.getByLabelText('Rich text'));
    const editor = await editorReady();
    act(() => {
      editor.commands.setContent('<p>Intro</p><table><tbody><tr><td><p>only</p></td></tr></tbody></table><p>Outro</p>');
    });
    caretInCell(editor, 0, 0);
    const table = await screen.findByRole('toolbar', { name: 'Table' });
    expect(within(table).getByRole('button', { name: 'Remove row' }).hasAttribute('disabled')).toBe(true);
    expect(within(table).getByRole('button', { name: 'Remove column' }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(within(table).getByRole('button', { name: 'Remove table' }));
    expect(screen.queryByRole('toolbar', { name: 'Table' })).toBeNull();
    const sent = await send();
    expect(sent.html).toBe('<p>Intro</p><p>Outro</p>');
  });

  it('turns plain text into paragraphs and quotes on the way to rich text, and back into "> " lines', async () => {
    const { editorReady, send } = compose({ ...EMPTY_DRAFT, to: 'bob@example.test', text: 'Yes.\n\nOn Monday, Bob wrote:\n> Shall we?\n> > Earlier' });
    fireEvent.click(screen.getByLabelText('Rich text'));
    const editor = await editorReady();
    expect(editor.getHTML()).toBe('<p>Yes.</p><p></p><p>On Monday, Bob wrote:</p><blockquote><p>Shall we?</p><blockquote><p>Earlier</p></blockquote></blockquote>');
    fireEvent.click(screen.getByLabelText('Plain text'));
    const area = (await waitFor(() => {
      const found = screen.getByLabelText('Message');
      expect(found.tagName).toBe('TEXTAREA');
      return found;
    })) as HTMLTextAreaElement;
    expect(area.value).toBe('Yes.\n\nOn Monday, Bob wrote:\n> Shall we?\n> > Earlier');
    const sent = await send();
    expect(sent.html).toBeUndefined();
    expect(sent.text).toBe(area.value);
  });

  it('remembers the last choice for the next new message, but opens a written plain message in plain text', async () => {
    compose();
    fireEvent.click(screen.getByLabelText('Rich text'));
    cleanup();
    compose();
    expect((screen.getByLabelText('Rich text') as HTMLInputElement).checked).toBe(true);
    expect(await screen.findByRole('toolbar', { name: 'Formatting' })).toBeTruthy();
    cleanup();
    compose({ ...EMPTY_DRAFT, text: 'Already written as plain text' });
    expect((screen.getByLabelText('Plain text') as HTMLInputElement).checked).toBe(true);
  });
});

describe('drafts in rich text', () => {
  it('saves the HTML with the derived text, and a reopened draft with HTML opens as rich text', async () => {
    const { editorReady, callsOf } = compose(undefined, {}, 20);
    fireEvent.click(screen.getByLabelText('Rich text'));
    const editor = await editorReady();
    act(() => {
      editor.commands.insertContent('<p>Draft with <strong>weight</strong></p>');
    });
    const saved = await waitFor(() => {
      const last = callsOf('drafts.save').at(-1)?.message as Record<string, unknown> | undefined;
      expect(last?.html).toBe('<p>Draft with <strong>weight</strong></p>');
      return last!;
    });
    expect(saved.text).toBe('Draft with weight');
    cleanup();

    const reopened = draftFromSaved('draft00001', {
      accountId: account.id,
      to: ['bob@example.test'],
      cc: [],
      bcc: [],
      subject: 'Later',
      text: 'Draft with weight',
      html: '<p>Draft with <strong>weight</strong></p>',
      attachments: [],
      references: [],
    });
    const again = compose(reopened);
    expect((screen.getByLabelText('Rich text') as HTMLInputElement).checked).toBe(true);
    expect((await again.editorReady()).getHTML()).toBe('<p>Draft with <strong>weight</strong></p>');
  });
});

describe('replies and forwards quote the original', () => {
  it('quotes a plain message with "> " and threads the reply (In-Reply-To, References)', () => {
    const plain = { ...original, html: undefined };
    const draft = replyDraft(plain);
    expect(draft.html).toBeUndefined();
    expect(draft.text).toMatch(/wrote:\n> Shall we\?\n> > earlier words\n$/);
    expect(draft.inReplyTo).toBe('<orig@example.test>');
    expect(draft.references).toEqual(['<root@example.test>', '<orig@example.test>']);
    const all = replyAllDraft(plain, ['alice@example.test']);
    expect(all.inReplyTo).toBe('<orig@example.test>');
    expect(all.references).toEqual(['<root@example.test>', '<orig@example.test>']);
    expect(all.text).toBe(draft.text);
  });

  it('quotes an HTML message in a blockquote, without its script, handler or remote image, and opens in rich text', async () => {
    const draft = replyDraft(original);
    expect(draft.html).toMatch(/^<p><\/p><p>On .+, Bob &lt;bob@example\.test&gt; wrote:<\/p><blockquote>/);
    expect(draft.html).toContain('<p>Shall <b>we</b>?</p>');
    expect(draft.html).not.toMatch(/script|onclick|tracker|<img/);
    const { editorReady, send } = compose(draft);
    expect((screen.getByLabelText('Rich text') as HTMLInputElement).checked).toBe(true);
    const editor = await editorReady();
    act(() => {
      editor.commands.setTextSelection(1);
      editor.commands.insertContent('Sounds good.');
    });
    const sent = await send();
    expect(sent.html).toMatch(/^<p>Sounds good\.<\/p><p>On .+ wrote:<\/p><blockquote><p>Shall <strong>we<\/strong>\?<\/p><p>Tomorrow<\/p><\/blockquote>$/);
    expect(sent.text).toMatch(/^Sounds good\.\nOn .+ wrote:\n> Shall we\?\n> Tomorrow$/);
    expect(sent.inReplyTo).toBe('<orig@example.test>');
    expect(sent.references).toEqual(['<root@example.test>', '<orig@example.test>']);
  });

  it('forwards with References but no In-Reply-To, the original below a divider, in both modes', () => {
    const plain = forwardDraft({ ...original, html: undefined }, 'INBOX');
    expect(plain.inReplyTo).toBeUndefined();
    expect(plain.references).toEqual(['<root@example.test>', '<orig@example.test>']);
    expect(plain.text).toContain('---------- Forwarded message ----------\nFrom: Bob <bob@example.test>');
    expect(plain.text).toContain('Shall we?');
    const rich = forwardDraft(original, 'INBOX');
    expect(rich.html).toMatch(/^<p><\/p><p>---------- Forwarded message ----------<br>From: Bob &lt;bob@example\.test&gt;<br>/);
    expect(rich.html).toContain('<p>Shall <b>we</b>?</p>');
    expect(rich.html).not.toMatch(/script|onclick|tracker/);
  });
});

describe('a forward’s attachments', () => {
  it('lists the original’s attachments, lets one be removed, and sends the rest by reference, not as bytes', async () => {
    const draft = forwardDraft({ ...original, html: undefined }, 'Archive/2024');
    const { send } = compose({ ...draft, to: 'dave@example.test' });
    const list = screen.getByRole('list', { name: 'Attachments' });
    expect(list.textContent).toContain('menu.pdf');
    expect(list.textContent).toContain('2.0 KB');
    expect(list.textContent).toContain('map.png');
    fireEvent.click(screen.getByRole('button', { name: 'Remove map.png' }));
    expect(screen.getByRole('list', { name: 'Attachments' }).textContent).not.toContain('map.png');
    const sent = await send();
    expect(sent.forwarded).toEqual([{ folder: 'Archive/2024', uid: 4, index: 0, filename: 'menu.pdf' }]);
    expect(sent.attachments).toBeUndefined();
  });

  it('counts a forwarded attachment as attached: no reminder for "see the attached menu"', async () => {
    const draft = forwardDraft({ ...original, html: undefined }, 'INBOX');
    const { send } = compose({ ...draft, to: 'dave@example.test', text: 'See the attached menu.' });
    await send();
    expect(screen.queryByRole('dialog', { name: 'Forgot the attachment?' })).toBeNull();
  });

  it('saves the references in the draft as well', async () => {
    const draft = forwardDraft({ ...original, html: undefined }, 'INBOX');
    const { callsOf } = compose({ ...draft, to: 'dave@example.test' }, {}, 20);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Fwd: Lunch, for you' } });
    await waitFor(() => expect(callsOf('drafts.save').length).toBeGreaterThan(0));
    const saved = callsOf('drafts.save').at(-1)!.message as Record<string, unknown>;
    expect(saved.forwarded).toEqual([
      { folder: 'INBOX', uid: 4, index: 0, filename: 'menu.pdf' },
      { folder: 'INBOX', uid: 4, index: 1, filename: 'map.png' },
    ]);
  });
});

describe('the helpers behind it', () => {
  it('quotableHtml keeps structure, emphasis and web links, and drops what runs or loads', () => {
    const html = quotableHtml(
      '<p style="background:url(https://x.example/b)">Hi <a href="javascript:alert(1)">js</a> <a href="https://ok.example/">ok</a></p><img src="cid:x"><iframe src="https://x.example"></iframe><form><input value="v"></form><style>p{}</style>',
    );
    expect(html).toBe('<p>Hi <a>js</a> <a href="https://ok.example/">ok</a></p>');
  });

  it('textToHtml escapes what the person typed', () => {
    expect(textToHtml('a <b> & "c"')).toBe('<p>a &lt;b&gt; &amp; &quot;c&quot;</p>');
  });

  it('linkAddress completes web and email addresses and refuses other schemes', () => {
    expect(linkAddress('example.test')).toBe('https://example.test');
    expect(linkAddress('https://example.test/x')).toBe('https://example.test/x');
    expect(linkAddress('bob@example.test')).toBe('mailto:bob@example.test');
    expect(linkAddress('javascript:alert(1)')).toBeUndefined();
    expect(linkAddress('data:text/html,x')).toBeUndefined();
    expect(linkAddress('not a link')).toBeUndefined();
  });

  it('plainTextOf quotes blockquotes with "> " and writes links with their address', () => {
    expect(plainTextOf('<p>Hi</p><blockquote><p>quoted</p><blockquote><p>older</p></blockquote></blockquote><p><a href="https://a.example/">there</a></p>')).toBe(
      'Hi\n> quoted\n> > older\nthere <https://a.example/>',
    );
  });
});
