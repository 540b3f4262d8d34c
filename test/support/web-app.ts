import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type WebApp = { url: string; origin: string; output: () => string; stop(): Promise<void> };

const ROOT = join(import.meta.dirname, '..', '..');
export const BUILT_WEB_ENTRY = join(ROOT, 'out', 'main', 'web.js');

/**
 * Starts `npm run web`'s server (the built one) on a free port, as a person would. `env` adds to
 * the inherited environment (MAIL_ISPDB_URL and MAIL_DNS_SERVERS for discovery, say); `rendererDir`
 * serves other pages than the built renderer's (a benchmark's reference page).
 */
export async function startWebApp(dataDir: string, env: NodeJS.ProcessEnv = {}, { rendererDir }: { rendererDir?: string } = {}): Promise<WebApp> {
  if (!existsSync(BUILT_WEB_ENTRY)) throw new Error('out/main/web.js is missing: run `npm run build` first (npm test does).');
  const args = [BUILT_WEB_ENTRY, '--port', '0', '--data-dir', dataDir, '--no-open', ...(rendererDir ? ['--renderer-dir', rendererDir] : [])];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MUA_LOG: 'info', ...env },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web app did not start:\n${output}`)), 20_000);
    child.stdout!.on('data', () => {
      const match = output.match(/running at (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`web app exited with ${code}:\n${output}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
