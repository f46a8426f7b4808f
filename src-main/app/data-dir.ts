import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Electron's app.getPath('userData') points for "Charon", so CLI and desktop share one store. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CHARON_DATA_DIR) return env.CHARON_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Charon');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Charon');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Charon');
}
