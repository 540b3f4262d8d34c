import type { Protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { MAIL_FRAME_PATH, mailFrameDocument, mailFrameRequestOf } from '../../shared/mail-frame.js';
import { partRequestOf } from '../../shared/message-parts.js';
import type { PartSource } from '../attachments/message-parts.js';
import { partReply } from '../attachments/serve-part.js';
import { mailFrameHeaders, SECURITY_HEADERS, TYPES } from '../bridge/static-files.js';
import { log } from '../log.js';

/**
 * The renderer is served from app://mua/ instead of file://. A file: page may read any other local
 * file the browser allows, has an opaque origin that CSP 'self' cannot name well, and gets no
 * response headers; an app: page has its own standard, secure origin, can only ever see the files
 * of the built renderer folder, and every response carries our security headers (the CSP above
 * all). With this, the grantFileProtocolExtraPrivileges fuse is off in electron-builder.yml.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'mua';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The one page the window loads and the only frame trusted to call main. */
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;

/**
 * Must be called before the app is ready (Electron's rule). standard: the origin is app://mua and
 * relative URLs resolve as on the web; secure: like https (no mixed-content downgrade);
 * supportFetchAPI: the page's module scripts and fetch() can read it. bypassCSP stays off, so the
 * page's own policy applies; no other privilege (no service workers, no CORS to elsewhere, no
 * streaming) is granted.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Serves app://mua/ from the built renderer folder (after ready, on the default session), and
 * the inline images of open messages from `parts` (read when asked: the mail service starts
 * after the protocol).
 */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, rendererDir: string, parts?: () => PartSource | undefined): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir, readRegularFile, parts));
}

type ResolvedFile = { path: string; contentType: string };

/**
 * The file a request names, or an HTTP status saying why there is none. Only GET and HEAD on our
 * host; the path is percent-decoded once and must stay inside `rendererDir` after resolving
 * (.., encoded %2e%2e or %2f, backslashes and NUL are all caught here, or by the final check).
 */
export function resolveAppRequest(rendererDir: string, url: string, method = 'GET'): ResolvedFile | { status: number } {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405 };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400 };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { status: 404 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return { status: 400 };
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return { status: 400 };
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const root = resolve(rendererDir);
  const path = resolve(root, `.${pathname}`);
  if (!path.startsWith(root + sep)) return { status: 404 };
  return { path, contentType: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' };
}

/** The protocol handler: the file with our security headers and its type, or a bare error. */
export function createAppRequestHandler(
  rendererDir: string,
  read: (path: string) => Promise<Uint8Array> = readRegularFile,
  parts?: () => PartSource | undefined,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const frame = mailFrameRequest(request.url, request.method);
    if (frame) return frame;
    const part = await inlinePartRequest(request, parts?.());
    if (part) return part;
    const resolved = resolveAppRequest(rendererDir, request.url, request.method);
    if ('status' in resolved) {
      if (resolved.status !== 404) log.warn('app: request refused', { status: resolved.status });
      return errorResponse(resolved.status);
    }
    let body: Uint8Array;
    try {
      body = await read(resolved.path);
    } catch {
      return errorResponse(404);
    }
    const headers = { ...SECURITY_HEADERS, 'Content-Type': resolved.contentType, 'Content-Length': String(body.byteLength) };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

/** The document a message is shown in, made here with its own policy (see shared/mail-frame.ts). */
function mailFrameRequest(url: string, method: string): Response | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.pathname !== MAIL_FRAME_PATH) return undefined;
  const { allowRemote, partsKey } = mailFrameRequestOf(parsed.search);
  const parts = partsKey ? { origin: APP_ORIGIN, key: partsKey } : undefined;
  const body = new TextEncoder().encode(mailFrameDocument(allowRemote, parts));
  const headers = { ...mailFrameHeaders(allowRemote, parts), 'Content-Length': String(body.byteLength) };
  return new Response(method === 'HEAD' ? null : body, { status: 200, headers });
}

/**
 * app://mua/mail-part/<key>/<n>: an inline image of an open message, streamed from its kept
 * copy (shared/message-parts.ts). Attachments are saved through the dialog on the desktop, so
 * /attachment/ is not served here. Undefined for any other URL.
 */
async function inlinePartRequest(request: Request, parts: PartSource | undefined): Promise<Response | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(request.url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  const partRequest = partRequestOf(parsed.pathname);
  if (!partRequest) return undefined;
  if (partRequest.kind !== 'inline' || !parts || (request.method !== 'GET' && request.method !== 'HEAD')) return errorResponse(404);
  const reply = await partReply(partRequest, parts, request.method);
  if (reply.status !== 200) return errorResponse(reply.status);
  const body = reply.body ? (Readable.toWeb(reply.body) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: 200, headers: reply.headers });
}

async function readRegularFile(path: string): Promise<Uint8Array> {
  // A folder (or anything but a file) is not served.
  if (!(await stat(path)).isFile()) throw new Error('not a file');
  return readFile(path);
}

function errorResponse(status: number): Response {
  return new Response(null, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
