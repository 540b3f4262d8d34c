import type { BaseWindow, Dialog, SaveDialogOptions, Shell } from 'electron';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { AttachmentShell } from '../attachments/attachments.js';

type Deps = {
  dialog: Pick<Dialog, 'showSaveDialog'>;
  shell: Pick<Shell, 'openPath'>;
  /** The folder the save dialog starts in (the system's Downloads). */
  downloadsDir: () => string;
  /** The window the dialog belongs to, when there is one. */
  window: () => BaseWindow | null;
};

/**
 * The desktop's part of attachments.save and attachments.open (main/attachments/attachments.ts
 * does the rest in plain Node): the system's save dialog, modal to our window, starting in
 * Downloads with the sanitized name; and the system's program for a file's type.
 */
export function electronAttachmentShell({ dialog, shell, downloadsDir, window }: Deps): AttachmentShell {
  return {
    async chooseSavePath(suggestedName) {
      const options: SaveDialogOptions = {
        title: 'Save attachment',
        defaultPath: join(downloadsDir(), suggestedName),
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const parent = window();
      const result = parent && !parent.isDestroyed() ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? undefined : result.filePath;
    },

    async openPath(path) {
      // The path is a file main itself just wrote into its private folder, under a sanitized
      // name, after the checks on its name, type and first bytes (attachments.ts).
      const failure = await shell.openPath(path);
      if (failure) {
        throw new AppError('NOT_FOUND', { message: `The system could not open it: ${failure.slice(0, 300)}. Save it instead and open it with a program of your choice.` });
      }
    },
  };
}
