import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { log } from '../log.js';

/**
 * The main window's size and place, remembered in a small JSON file in the profile folder
 * (window-state.json in userData). Plain Node: main.ts hands in the screens' work areas.
 * The file is read as untrusted: anything malformed is ignored (the default size is used), and a
 * place that is off every screen now (a monitor was unplugged, the resolution changed) is moved
 * back onto one.
 */
export type WindowBounds = { x: number; y: number; width: number; height: number };
export type WindowState = WindowBounds & { maximized: boolean };

export const WINDOW_STATE_FILE = 'window-state.json';
export const MIN_WIDTH = 640;
export const MIN_HEIGHT = 420;

const coordinate = z.number().int().min(-100_000).max(100_000);
const windowStateSchema = z
  .object({
    x: coordinate,
    y: coordinate,
    width: z.number().int().min(100).max(100_000),
    height: z.number().int().min(100).max(100_000),
    maximized: z.boolean().default(false),
  })
  .strict();

/** The state in a file's text, or undefined when it is not valid JSON of the right shape. */
export function parseWindowState(text: string): WindowState | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = windowStateSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Puts the window on a screen: the one it overlaps most (the first, the primary, if it overlaps
 * none); no larger than that screen's work area (nor smaller than the window's minimum), and
 * inside it entirely. Undefined when there is no screen at all.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly WindowBounds[]): WindowState | undefined {
  if (workAreas.length === 0) return undefined;
  let best = workAreas[0]!;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const overlap = intersection(state, area);
    if (overlap > bestOverlap) {
      best = area;
      bestOverlap = overlap;
    }
  }
  const width = Math.max(Math.min(state.width, best.width), Math.min(MIN_WIDTH, best.width));
  const height = Math.max(Math.min(state.height, best.height), Math.min(MIN_HEIGHT, best.height));
  const onScreen = bestOverlap > 0;
  // Off every screen: centred on the primary one rather than pushed into a corner.
  const x = onScreen ? clamp(state.x, best.x, best.x + best.width - width) : best.x + Math.round((best.width - width) / 2);
  const y = onScreen ? clamp(state.y, best.y, best.y + best.height - height) : best.y + Math.round((best.height - height) / 2);
  return { x, y, width, height, maximized: state.maximized };
}

/** Reads the remembered state and fits it to the screens; undefined for a first start or a bad file. */
export function loadWindowState(file: string, workAreas: readonly WindowBounds[]): WindowState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > 10_000) return undefined;
  const state = parseWindowState(text);
  if (!state) {
    log.warn('window state file ignored: not valid');
    return undefined;
  }
  return fitToDisplays(state, workAreas);
}

/** Writes the state (whole file replaced at once, readable by the user only). */
export function saveWindowState(file: string, state: WindowState): void {
  const checked = windowStateSchema.safeParse(state);
  if (!checked.success) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, JSON.stringify(checked.data), { mode: 0o600 });
    renameSync(temporary, file);
  } catch (error) {
    log.warn('window state could not be saved', { type: (error as Error)?.name, code: (error as NodeJS.ErrnoException)?.code });
  }
}

function intersection(a: WindowBounds, b: WindowBounds): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}
