import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { PartRequest } from '../../shared/message-parts.js';
import type { PartSource } from '../attachments/message-parts.js';
import { partReply, PART_CONTENT_SECURITY_POLICY } from '../attachments/serve-part.js';

/**
 * GET /mail-part/<key>/<n> and /attachment/<key>/<n> on the bridge (web mode): a message's
 * inline image for its mail frame, or an attachment as a download. The Host was checked by
 * the caller. The key stands for the per-run token: only a page holding the token can open a
 * message through the bridge's socket and learn its key (32 random bytes, this run only). On
 * top of it, only the app's own pages may ask: a browser says where a request comes from
 * (Sec-Fetch-Site, and Origin when it sends one), and another site, or another port of
 * 127.0.0.1, is refused before any key is looked at.
 */
export async function servePart(req: IncomingMessage, res: ServerResponse, request: PartRequest, parts: PartSource, origins: ReadonlySet<string>): Promise<void> {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if ((site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && !origins.has(origin))) {
    return refuse(res, 403, 'Forbidden');
  }
  const reply = await partReply(request, parts, req.method ?? 'GET');
  if (reply.status !== 200) return refuse(res, reply.status, reply.status === 404 ? 'Not found' : 'The message could not be read.');
  res.writeHead(200, reply.headers);
  if (!reply.body) return void res.end();
  try {
    await pipeline(reply.body, res);
  } catch {
    // The browser went away (or the message could not be read to the end): stop reading it.
    reply.close();
    res.destroy();
  }
}

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Security-Policy': PART_CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}
