import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Mua Mail';

/**
 * The profile folder, where Electron's app.getPath('userData') puts it, so that the desktop app
 * and `npm run web` share one profile.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), PRODUCT_NAME);
}
