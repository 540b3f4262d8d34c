import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

/**
 * How long a page takes, from its navigation's start, until `selector` is in its DOM, loaded
 * once in a Chromium started for it (a new profile: nothing cached) and driven over the DevTools
 * protocol with its Page domain only.
 *
 * Why not Playwright here: Playwright turns on the Runtime and Network domains of every page,
 * and with them V8 records a stack trace, with source positions, for every Error created and
 * every request a script starts. The renderer's start creates a few (React makes its Suspense
 * signals as Errors when its module loads), and each costs a re-parse of the whole minified
 * chunk: about 100 ms of a cold start in a trace, which a person's window, with no inspector,
 * never pays. The renderer benchmark reports both.
 */
export async function bareColdLoad(url: string, selector: string, { width = 1280, height = 800, timeoutMs = 30_000 } = {}): Promise<number> {
  const profile = mkdtempSync(join(tmpdir(), 'mua-bare-chromium-'));
  // In a process group of its own, so that its helper processes go with it.
  const browser = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: 'ignore', detached: true });
  try {
    const endpoint = await devToolsEndpoint(profile, timeoutMs);
    const cdp = await connect(endpoint);
    try {
      const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      const page = <T>(method: string, params: object = {}) => cdp.send<T>(method, params, sessionId);
      await page('Page.enable');
      await page('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
      await page('Page.addScriptToEvaluateOnNewDocument', {
        source: `(() => {
          const observer = new MutationObserver(() => {
            if (window.__seenAt === undefined && document.querySelector(${JSON.stringify(selector)})) {
              window.__seenAt = performance.now();
              observer.disconnect();
            }
          });
          observer.observe(document, { childList: true, subtree: true });
        })();`,
      });
      await page('Page.navigate', { url });
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        // Runtime.evaluate works without Runtime.enable, which is what this avoids.
        const { result } = await page<{ result: { value?: number } }>('Runtime.evaluate', { expression: 'window.__seenAt', returnByValue: true });
        if (typeof result.value === 'number') return result.value;
      }
      throw new Error(`${selector} did not appear within ${timeoutMs} ms`);
    } finally {
      cdp.close();
    }
  } finally {
    const exited = new Promise((resolve) => (browser.exitCode !== null ? resolve(undefined) : browser.once('exit', resolve)));
    try {
      process.kill(-browser.pid!, 'SIGKILL');
    } catch {
      browser.kill('SIGKILL');
    }
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** Chromium writes its DevTools port and path to the profile once it listens. */
async function devToolsEndpoint(profile: string, timeoutMs: number): Promise<string> {
  const file = join(profile, 'DevToolsActivePort');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const [port, path] = readFileSync(file, 'utf8').split('\n');
      if (port && path) return `ws://127.0.0.1:${port}${path}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('Chromium did not open its DevTools port');
}

type Cdp = { send<T>(method: string, params?: object, sessionId?: string): Promise<T>; close(): void };

async function connect(endpoint: string): Promise<Cdp> {
  const socket = new WebSocket(endpoint);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id!);
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result as never);
  });
  return {
    send: (method, params = {}, sessionId) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      }),
    close: () => socket.close(),
  };
}
