import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { Clock } from '../core/clock.js';
import type { OwnerService } from '../reaper/owners.js';
import type { Reaper } from '../reaper/reaper.js';
import { LOCAL_OPERATOR, type OperatorContext } from './operator-context.js';

type ReaperMethods = 'reaper.preview' | 'reaper.run' | 'owners.list' | 'owners.set';

/** What the reaper and owner methods use of the control plane. */
export interface ReaperHandlerDeps {
  readonly reaper: Pick<Reaper, 'preview' | 'run'>;
  readonly owners: Pick<OwnerService, 'list' | 'set'>;
  readonly clock: Clock;
}

/** The reaper and owners over the operator contract; the time is the control plane's clock. */
export function reaperHandlers(plane: ReaperHandlerDeps, who: OperatorContext = LOCAL_OPERATOR): Pick<OperatorHandlers, ReaperMethods> {
  const { reaper, owners, clock } = plane;
  return {
    'reaper.preview': async () => {
      const now = clock.now();
      return { now, actions: reaper.preview(now) };
    },
    'reaper.run': async ({ actionIds }) => {
      const now = clock.now();
      return { now, ...reaper.run(now, actionIds) };
    },
    'owners.list': async () => owners.list(),
    'owners.set': async (input) => owners.set(input, who.actor),
  };
}
