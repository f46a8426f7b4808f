import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user application folder (Electron's `appData`): where desktop apps keep their settings. */
export function userConfigDir(platform: NodeJS.Platform = process.platform, home = homedir(), env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  if (platform === 'win32') return env.APPDATA ?? join(home, 'AppData', 'Roaming');
  return env.XDG_CONFIG_HOME ?? join(home, '.config');
}

/** Where Electron's app.getPath('userData') points for "Charon", so CLI and desktop share one store. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return env.CHARON_DATA_DIR ? env.CHARON_DATA_DIR : join(userConfigDir(platform, homedir(), env), 'Charon');
}
