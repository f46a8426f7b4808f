// A second control plane on the same data dir, as the CLI opens it: tests of cross-process effects
// (SQLite WAL + data_version) go through here, so feature layers' tests need not import app.
import { ControlPlane } from '../app/control-plane.js';
import type { ConfigFile } from '../app/config.js';
import type { Clock } from '../core/clock.js';

export type Plane = ControlPlane;

export function openSecondProcess(dataDir: string, clock: Clock, overrides: ConfigFile = {}): Promise<ControlPlane> {
  return ControlPlane.open({ dataDir, clock, overrides });
}
