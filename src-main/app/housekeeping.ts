// What runs in the background of a live control plane, headless or desktop: audit checkpoints,
// signing-key rotation, dropping abandoned MCP sessions and spent DPoP proofs, the reaper schedule.
import type { Checkpointer } from '../audit/checkpointer.js';
import type { KeyManagement } from '../authority/key-management.js';
import type { Store } from '../store/store.js';
import type { CharonConfig } from './config.js';
import type { GatewayStack } from './gateway-wiring.js';
import { startReaperSchedule, type ReaperScheduleDeps } from './reaper-schedule.js';

/** What the background work uses of the control plane. */
export interface HousekeepingDeps extends ReaperScheduleDeps {
  readonly checkpointer: Pick<Checkpointer, 'checkpoint' | 'refusal'>;
  readonly keys: Pick<KeyManagement, 'rotateIfDue'>;
  readonly accessKeys: Pick<KeyManagement, 'rotateIfDue'>;
  readonly gateway: { readonly gateway: Pick<GatewayStack['gateway'], 'reapIdle'> };
  readonly store: Pick<Store, 'dpopReplay'>;
  readonly config: Pick<CharonConfig, 'reaper' | 'checkpointIntervalSeconds'>;
}

/** Starts the timers; returns the function that stops them all. */
export function startHousekeeping(plane: HousekeepingDeps, log: (line: string) => void): () => void {
  const logError = (error: unknown) => log(`charon: ${error instanceof Error ? error.message : String(error)}`);
  let refused: number | null = null;
  const checkpoints = setInterval(
    () =>
      void plane.checkpointer
        .checkpoint()
        .then(() => {
          // Said once per offending record, not every interval.
          const refusal = plane.checkpointer.refusal;
          if (refusal && refusal.seq !== refused) log(`charon: ERR_AUDIT_UNAUTHENTICATED: ${refusal.message}`);
          refused = refusal?.seq ?? null;
        })
        .catch(logError),
    plane.config.checkpointIntervalSeconds * 1000,
  );
  const rotation = setInterval(() => void Promise.all([plane.keys.rotateIfDue(), plane.accessKeys.rotateIfDue()]).catch(logError), 3600 * 1000);
  // Abandoned MCP sessions and spent DPoP proofs are dropped now and then, so memory and the replay table stay bounded.
  const housekeeping = setInterval(() => {
    void plane.gateway.gateway.reapIdle().catch(logError);
    try {
      plane.store.dpopReplay.purgeExpired(plane.clock.now());
    } catch (error) {
      logError(error);
    }
  }, 5 * 60 * 1000);
  const stopReaper = startReaperSchedule(plane, log);
  return () => {
    clearInterval(checkpoints);
    clearInterval(rotation);
    clearInterval(housekeeping);
    stopReaper();
  };
}
