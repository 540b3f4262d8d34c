import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../../shared/errors.js';

/** What the browser brought back: the authorization code (the state already checked). */
export type RedirectResult = { code: string };

export type LoopbackRedirect = {
  /** http://127.0.0.1:<port>/callback, for the authorization request and the token exchange. */
  redirectUri: string;
  /** Settles once: the code, or a typed error (consent denied, timeout, closed). */
  result: Promise<RedirectResult>;
  /** Stops listening now (the result then rejects, if it had not settled). */
  close(): void;
};

const CALLBACK_PATH = '/callback';

const PAGE = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * The loopback redirect of RFC 8252 §7.3: a listener on 127.0.0.1 at a port the system picks,
 * for one answer only. A request whose `state` is not this sign-in's is refused and ignored
 * (any program on this computer can reach the port); the first with the right state settles
 * the result and closes the listener. Nothing is waited for longer than `timeoutMs`.
 */
export async function listenForRedirect({ state, timeoutMs, providerName }: { state: string; timeoutMs: number; providerName: string }): Promise<LoopbackRedirect> {
  let settle!: (outcome: { ok: true; value: RedirectResult } | { ok: false; error: AppError }) => void;
  const result = new Promise<RedirectResult>((resolve, reject) => {
    settle = (outcome) => (outcome.ok ? resolve(outcome.value) : reject(outcome.error));
  });
  let done = false;
  const finish = (outcome: Parameters<typeof settle>[0]) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
    settle(outcome);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const reply = (status: number, title: string, text: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
      response.end(PAGE(title, text));
    };
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH || done) {
      return reply(404, 'Not found', 'This address is only for signing in to Mua Mail.');
    }
    if (url.searchParams.get('state') !== state) {
      return reply(400, 'Sign-in not recognised', 'This answer does not belong to the sign-in Mua Mail started, so it was ignored.');
    }
    const error = url.searchParams.get('error');
    if (error) {
      reply(200, 'Sign-in cancelled', 'You can close this window and return to Mua Mail.');
      const description = url.searchParams.get('error_description') ?? undefined;
      return finish({
        ok: false,
        error: new AppError('AUTH_FAILED', {
          message:
            error === 'access_denied'
              ? `The sign-in to ${providerName} was declined in the browser, so the app has no access. Try again and allow access.`
              : `${providerName} stopped the sign-in.`,
          serverReply: [error, description].filter(Boolean).join(': '),
          details: { oauthError: error.slice(0, 100) },
        }),
      });
    }
    const code = url.searchParams.get('code');
    if (!code) return reply(400, 'Sign-in not recognised', 'The answer carried no authorization code.');
    reply(200, 'Signed in', 'You can close this window and return to Mua Mail.');
    finish({ ok: true, value: { code } });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new AppError('INTERNAL', { message: 'The app could not listen for the browser’s answer.', cause })));
    server.listen(0, '127.0.0.1', resolve);
  });
  const timer = setTimeout(
    () =>
      finish({
        ok: false,
        error: new AppError('TIMEOUT', {
          message: `The sign-in to ${providerName} was not finished in the browser within ${Math.round(timeoutMs / 1000)} seconds. Try again.`,
        }),
      }),
    timeoutMs,
  );
  timer.unref();
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    result,
    close: () => finish({ ok: false, error: new AppError('AUTH_FAILED', { message: 'The sign-in was stopped.' }) }),
  };
}
