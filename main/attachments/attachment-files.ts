import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OPEN_RISK_ADVICE } from '../../shared/attachment-names.js';
import { AppError } from '../../shared/errors.js';
import type { OpenedPart } from './read-part.js';

/**
 * Streams a part into `path`: first into a temporary file beside it, renamed over `path` once
 * complete, so an interrupted save never leaves half a file under the name the person chose.
 */
export async function savePart(part: OpenedPart, path: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path).slice(0, 100)}.${randomBytes(4).toString('hex')}.part`);
  try {
    await pipeline(part.content, createWriteStream(temporary, { flags: 'wx' }));
    await rename(temporary, path);
  } catch (error) {
    part.close();
    await rm(temporary, { force: true });
    throw writeError(error, path);
  }
}

/**
 * Writes a part for the system to open: into a folder of its own (mkdtemp: mode 0700, so no
 * other user of the computer can read it or swap the file) under `root`, read-only. The first
 * bytes are checked on the way (contentRisk): a file that turns out to be a program or a web
 * page whatever its name says is removed again and refused. Returns the file's path.
 */
export async function writeForOpening(part: OpenedPart, root: string, fileName: string): Promise<string> {
  let folder: string;
  try {
    folder = await mkdtemp(join(root, 'open-'));
  } catch (error) {
    part.close();
    throw writeError(error, root);
  }
  const path = join(folder, fileName);
  const head = new HeadOf(HEAD_BYTES);
  try {
    await pipeline(part.content, head, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    await chmod(path, 0o400);
  } catch (error) {
    part.close();
    await rm(folder, { recursive: true, force: true });
    throw writeError(error, path);
  }
  const risk = contentRisk(head.bytes());
  if (risk) {
    await rm(folder, { recursive: true, force: true });
    throw new AppError('INVALID_ARGUMENT', { message: `“${fileName}” ${risk} ${OPEN_RISK_ADVICE}`, details: { reason: 'risky-content' } });
  }
  return path;
}

/** How much of a file's start contentRisk looks at. */
const HEAD_BYTES = 1024;

/** Passes bytes through and keeps the first `limit` of them. */
class HeadOf extends Transform {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    if (this.kept < this.limit) {
      const piece = chunk.subarray(0, this.limit - this.kept);
      this.chunks.push(Buffer.from(piece));
      this.kept += piece.length;
    }
    done(null, chunk);
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Executable formats by their first bytes: what the system runs whatever the file is called. */
const EXECUTABLE_MAGIC: readonly [string, Buffer][] = [
  ['is a Windows program', Buffer.from('MZ')],
  ['is a Linux program', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
  ['is a script', Buffer.from('#!')],
  ['is a macOS program', Buffer.from([0xfe, 0xed, 0xfa, 0xce])],
  ['is a macOS program', Buffer.from([0xfe, 0xed, 0xfa, 0xcf])],
  ['is a macOS program', Buffer.from([0xce, 0xfa, 0xed, 0xfe])],
  ['is a macOS program', Buffer.from([0xcf, 0xfa, 0xed, 0xfe])],
  ['is a program', Buffer.from([0xca, 0xfe, 0xba, 0xbe])],
];

/** A web page or an SVG, after any BOM, XML declaration, comments or doctype. */
const MARKUP =
  /^(?:\ufeff)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+(?:html|svg)\b|<(?:html|svg|head|body|script|iframe|frameset)\b)|<\?xml-stylesheet\b/i;

/**
 * Why a file's first bytes make it unfit to hand to the system to open, or undefined: a
 * program or a script (ELF, PE, Mach-O, #!), or a web page or SVG (a browser would run its
 * scripts from the local file), whatever its name says. The name and type are checked before
 * (shared/attachment-names.ts); this catches the file that lies about both.
 */
export function contentRisk(head: Buffer): string | undefined {
  for (const [what, magic] of EXECUTABLE_MAGIC) if (head.subarray(0, magic.length).equals(magic)) return `${what}, whatever its name says.`;
  if (MARKUP.test(head.toString('latin1'))) return 'is a web page or an SVG image, whatever its name says: a browser would run the scripts in it.';
  return undefined;
}

function writeError(error: unknown, path: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = basename(path);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new AppError('INVALID_ARGUMENT', { message: `“${where}” could not be written there: permission denied. Choose another folder.`, cause: error });
  if (code === 'ENOSPC' || code === 'EDQUOT') return new AppError('INVALID_ARGUMENT', { message: `“${where}” could not be written: the disk is full.`, cause: error });
  if (code === 'ENOENT' || code === 'ENOTDIR') return new AppError('INVALID_ARGUMENT', { message: `“${where}” could not be written: that folder does not exist.`, cause: error });
  return new AppError('INTERNAL', { message: `“${where}” could not be written (${code ?? 'unknown error'}). Nothing else was changed.`, cause: error });
}
