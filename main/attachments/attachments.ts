import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { OPEN_RISK_ADVICE, openRisk, safeFileName } from '../../shared/attachment-names.js';
import type { RequestOutput } from '../../shared/contract.js';
import { AppError } from '../../shared/errors.js';
import { savePart, writeForOpening } from './attachment-files.js';
import type { MessageParts, MessageRef } from './message-parts.js';
import type { OpenedPart } from './read-part.js';

/**
 * What the desktop shell lends to attachments.save and attachments.open (main/electron/
 * attachment-shell.ts); web mode has none, and the browser downloads instead.
 */
export type AttachmentShell = {
  /** The system's save dialog, starting at `suggestedName`; undefined when the person cancelled. */
  chooseSavePath(suggestedName: string): Promise<string | undefined>;
  /** Opens a file with the system's program for its type; throws an AppError saying why not. */
  openPath(path: string): Promise<void>;
};

/**
 * attachments.save and attachments.open: a part of a kept message streamed into the file the
 * person chose, or into a private temporary folder for the system to open. The name used is
 * the sanitized one (shared/attachment-names.ts); what could run code is never opened.
 */
export class Attachments {
  private openRoot: Promise<string> | undefined;

  constructor(
    private readonly parts: MessageParts,
    private readonly shell: AttachmentShell | undefined,
    /** Where the private folder for opened attachments is made (the system's temporary folder). */
    private readonly tempDir: () => string = tmpdir,
  ) {}

  async save(ref: MessageRef, index: number): Promise<RequestOutput<'attachments.save'>> {
    const part = await this.parts.open(ref, index);
    const fileName = nameOf(part);
    if (!this.shell) {
      part.close();
      return { result: 'download', fileName };
    }
    let path: string | undefined;
    try {
      path = await this.shell.chooseSavePath(fileName);
    } catch (error) {
      part.close();
      throw error;
    }
    if (!path) {
      part.close();
      return { result: 'cancelled' };
    }
    await savePart(part, path);
    return { result: 'saved', fileName: basename(path) };
  }

  async open(ref: MessageRef, index: number): Promise<RequestOutput<'attachments.open'>> {
    const part = await this.parts.open(ref, index);
    const fileName = nameOf(part);
    const risk = openRisk(fileName, part.info.contentType);
    if (risk) {
      part.close();
      throw new AppError('INVALID_ARGUMENT', { message: `${risk} ${OPEN_RISK_ADVICE}`, details: { reason: 'risky-type' } });
    }
    if (!this.shell) {
      part.close();
      return { result: 'download', fileName };
    }
    const root = await this.root().catch((error: unknown) => {
      part.close();
      throw error;
    });
    const path = await writeForOpening(part, root, fileName);
    await this.shell.openPath(path);
    return { result: 'opened', fileName };
  }

  /**
   * Removes the files opened this session (the programs showing them have them open or copied).
   * Never fails the app's stop: a file another program still holds (Windows) stays behind.
   */
  async stop(): Promise<void> {
    const root = await this.openRoot?.catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
  }

  /** One private folder per run (mode 0700), made when first needed. */
  private root(): Promise<string> {
    this.openRoot ??= mkdtemp(join(this.tempDir(), 'mua-attachments-')).catch((error: unknown) => {
      this.openRoot = undefined;
      throw error;
    });
    return this.openRoot;
  }
}

function nameOf(part: OpenedPart): string {
  return safeFileName(part.info.filename, part.info.contentType);
}
