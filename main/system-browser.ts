import { spawn } from 'node:child_process';

/**
 * Opens a web address in the person's browser from plain Node (`npm run web`, which has no
 * Electron shell): the program $BROWSER names where it is set (the usual convention: the first
 * of a colon-separated list, `%s` standing for the address, else the address as its last
 * argument), otherwise the system's opener (xdg-open, open, explorer). Never through a shell:
 * the address is one argument. Settles once the program has started (or could not).
 */
export function openInSystemBrowser(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<void> {
  const [command, ...args] = browserCommand(url, env, platform);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command!, args, { detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** The program and arguments that open `url`. */
export function browserCommand(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const chosen = env.BROWSER?.split(':')[0]?.trim();
  if (chosen) {
    const parts = chosen.split(/\s+/);
    return parts.some((part) => part.includes('%s')) ? parts.map((part) => part.replaceAll('%s', url)) : [...parts, url];
  }
  if (platform === 'darwin') return ['open', url];
  if (platform === 'win32') return ['explorer', url];
  return ['xdg-open', url];
}
