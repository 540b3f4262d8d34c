import { readFile, stat } from 'node:fs/promises';
import { MAIL_FRAME_PATH, mailFrameContentSecurityPolicy, mailFrameDocument, mailFrameRequestOf, type FrameParts } from '../../shared/mail-frame.js';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The same policy the Electron window enforces, sent as a header so the browser applies it
 * before the page runs: only our own scripts, our own bridge, nothing remote.
 *
 * A message is not shown under this policy: it goes into mail-frame.html, a document of its own
 * with its own policy (shared/mail-frame.ts), so this one stays strict.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * Serves the built renderer from `root`; never a file outside it. `origin` is the page's own
 * (http://127.0.0.1:port): the mail frame's policy allows that message's parts from it.
 */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, origin?: string): Promise<void> {
  const base = resolve(root);
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return send(res, 400, 'Bad request');
  }
  if (relative === MAIL_FRAME_PATH) {
    const { allowRemote, partsKey } = mailFrameRequestOf(urlPath.split('?')[1] ?? '');
    return sendMailFrame(res, allowRemote, origin && partsKey ? { origin, key: partsKey } : undefined);
  }
  if (relative === '/' || relative === '') relative = '/index.html';
  const path = normalize(join(base, relative));
  if (path !== base && !path.startsWith(base + sep)) return send(res, 404, 'Not found');
  try {
    const info = await stat(path);
    if (!info.isFile()) return send(res, 404, 'Not found');
    const body = await readFile(path);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
      'Content-Length': body.length,
    });
    res.end(body);
  } catch {
    send(res, 404, 'Not found');
  }
}

/** The document a message is shown in, with its own policy (see shared/mail-frame.ts). */
export function mailFrameHeaders(allowRemote: boolean, parts?: FrameParts): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': mailFrameContentSecurityPolicy(allowRemote, parts),
    'Content-Type': 'text/html; charset=utf-8',
  };
}

function sendMailFrame(res: ServerResponse, allowRemote: boolean, parts: FrameParts | undefined): void {
  const body = Buffer.from(mailFrameDocument(allowRemote, parts));
  res.writeHead(200, { ...mailFrameHeaders(allowRemote, parts), 'Content-Length': body.length });
  res.end(body);
}

export function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
