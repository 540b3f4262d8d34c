import { log } from '../log.js';

/**
 * Logging of what went wrong without saying what it was about: an error's class, code and stack
 * frames, never its message (messages quote addresses, server replies, sometimes credentials).
 * Plain Node; main.ts also feeds it Electron's render-process-gone and child-process-gone.
 */
const MAX_FRAMES = 8;

/** The safe facts of an error: its type, its code, and where it was thrown. */
export function describeError(error: unknown): { type: string; code?: string; frames?: string } {
  if (!(error instanceof Error)) return { type: error === null ? 'null' : typeof error };
  const code = (error as NodeJS.ErrnoException).code;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => line.trim().slice(3, 300))
    .join(' | ');
  return {
    type: error.name.slice(0, 100),
    code: typeof code === 'string' ? code.slice(0, 100) : undefined,
    frames: frames || undefined,
  };
}

type ProcessEvents = Pick<NodeJS.Process, 'on'>;

/**
 * Logs uncaught exceptions and unhandled rejections instead of Electron's default, a dialog that
 * shows the full message and stack to whoever is at the screen. The app keeps running: the outbox
 * and the store are durable, and one failed background task should not take the window down.
 */
export function installCrashLogging(target: ProcessEvents = process): void {
  target.on('uncaughtException', (error: unknown) => log.error('uncaught exception', describeError(error)));
  target.on('unhandledRejection', (reason: unknown) => log.error('unhandled promise rejection', describeError(reason)));
}

/** A renderer or helper process that ended; Electron's details are enums and numbers only. */
export function logProcessGone(kind: string, details: { reason?: string; exitCode?: number; type?: string }): void {
  if (details.reason === 'clean-exit') return;
  log.error('process gone', { kind, type: details.type, reason: details.reason, exitCode: details.exitCode });
}
