import type { OwnerState, ReaperActionDto } from '../../src-shared/reaper.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { required, type ParsedArgs } from './args.js';
import { call } from './operator-call.js';
import { print, table, time } from './output.js';

const actionTable = (actions: readonly ReaperActionDto[]): string =>
  actions.length === 0
    ? 'nothing to do'
    : table([['ID', 'RULE', 'SUBJECT', 'PROPOSAL', 'REASON'], ...actions.map((a) => [a.id, a.rule, a.subject, a.proposal ? 'yes' : '', a.reason])]);

/** `charon reaper preview|run`: through the operator contract, like the console. */
export async function reaperCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const json = args.values.json ?? false;
  switch (sub) {
    case 'preview': {
      const preview = await call(plane, 'reaper.preview', {});
      return print(json, preview, () => `reaper preview at ${time(preview.now)}\n${actionTable(preview.actions)}`);
    }
    case 'run': {
      const result = await call(plane, 'reaper.run', { actionIds: args.values.action });
      return print(json, result, () =>
        [`reaper run at ${time(result.now)}: ${result.applied.length} action(s) applied`, actionTable(result.applied), ...result.notFound.map((id) => `not found (already applied or no longer due): ${id}`)].join('\n'),
      );
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown reaper command ${sub ?? ''} (preview, run)`);
  }
}

/** `charon owner list|set`: the owners the orphan rule reads. */
export async function ownerCommand(plane: ControlPlane, sub: string | undefined, args: ParsedArgs): Promise<void> {
  const json = args.values.json ?? false;
  switch (sub) {
    case 'list': {
      const owners = await call(plane, 'owners.list', {});
      return print(json, owners, () =>
        owners.length === 0 ? 'no owners' : table([['ID', 'STATE', 'AUTO-SUSPEND', 'IDENTITIES', 'UPDATED'], ...owners.map((o) => [o.id, o.state, o.autoSuspend ? 'yes' : 'no', String(o.identities), time(o.updatedAt)])]),
      );
    }
    case 'set': {
      const owner = await call(plane, 'owners.set', { id: required(args.positionals[2], '<id>'), state: required(args.values.state, '--state').toUpperCase() as OwnerState, reason: args.values.reason });
      return print(json, owner, () => `owner ${owner.id} is now ${owner.state} (${owner.identities} identities)`);
    }
    default:
      throw new CharonError('ERR_INVALID_INPUT', `unknown owner command ${sub ?? ''} (list, set)`);
  }
}
