import type { Session } from 'electron';
import { MAIL_FRAME_PATH, mailFrameContentSecurityPolicy, mailFrameRequestOf } from '../../shared/mail-frame.js';
import { partRequestOf } from '../../shared/message-parts.js';
import { PART_CONTENT_SECURITY_POLICY } from '../attachments/serve-part.js';
import { CONTENT_SECURITY_POLICY } from '../bridge/static-files.js';
import { APP_ORIGIN } from './app-protocol.js';
import { log } from '../log.js';
import { isRendererUrl } from './paths.js';

/** The only permission the app asks for: desktop notifications about new mail. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

/**
 * Adds our Content-Security-Policy to every response the session receives, the same policy the
 * web mode sends (one constant, so the two cannot drift). Any CSP a response brings along is
 * replaced, not merged, so nothing loaded into the window can loosen it.
 *
 * The renderer's own app:// responses carry the policy already (app-protocol.ts); this hook covers
 * whatever else the session loads. The <meta http-equiv> in renderer/index.html stays as a second
 * layer (and guards web mode's page if a header were ever lost).
 */
export function applyContentSecurityPolicy(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [policyFor(details.url)];
    callback({ responseHeaders });
  });
}

/**
 * The app's policy, except for our own mail frame document (shared/mail-frame.ts), which gets
 * the frame's policy: stricter on script, looser only on the message's inline styles, its own
 * inline images and, when the person allowed it, remote images; and a message part's (a
 * sandbox: shared/message-parts.ts). Decided from the URL, never from what a response says.
 */
export function policyFor(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return CONTENT_SECURITY_POLICY;
  }
  // (A URL of a custom scheme has no origin of its own to compare: "null".)
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return CONTENT_SECURITY_POLICY;
  if (partRequestOf(parsed.pathname)) return PART_CONTENT_SECURITY_POLICY;
  if (parsed.pathname !== MAIL_FRAME_PATH) return CONTENT_SECURITY_POLICY;
  const { allowRemote, partsKey } = mailFrameRequestOf(parsed.search);
  return mailFrameContentSecurityPolicy(allowRemote, partsKey ? { origin: APP_ORIGIN, key: partsKey } : undefined);
}

/** True for a permission our renderer page may have; everything else, from anywhere, is denied. */
export function isPermissionAllowed(permission: string, requestingUrl: string, rendererUrl: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isRendererUrl(requestingUrl, rendererUrl);
}

/**
 * Denies camera, microphone, location, clipboard, USB, and every other web permission: a mail
 * client needs none of them, and a message that found a way to run script must not get them.
 * Both handlers are set because Chromium asks the check handler for some APIs and the request
 * handler for others.
 */
export function restrictPermissions(session: Session, rendererUrl: string): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const allowed = isPermissionAllowed(permission, details.requestingUrl, rendererUrl);
    if (!allowed) log.warn('permission request denied', { permission });
    callback(allowed);
  });
  // A check may come without a requesting URL; then the asking page's own URL stands in.
  session.setPermissionCheckHandler((webContents, permission, _origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? webContents?.getURL() ?? '', rendererUrl),
  );
}
