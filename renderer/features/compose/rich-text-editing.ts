/**
 * What rich text needs beside the composer itself: the editor (TipTap, ProseMirror) and the
 * HTML-to-text conversion (html-to-text). Compose loads this module when a message is first
 * written, saved or sent as rich text, so the app's start does not pay for either.
 */
export { RichTextEditor } from './RichTextEditor.js';
export { plainTextOf } from '../../../shared/plain-text.js';
