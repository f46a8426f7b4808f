import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { CharonError } from '../core/errors.js';
import type { ControlPlane } from './control-plane.js';

type GrantMethods = 'grants.create' | 'grants.list' | 'grants.get' | 'grants.narrow' | 'grants.revoke';

// PLACEHOLDER — being implemented now (GrantService); must be replaced before this lands.
export function grantHandlers(_plane: ControlPlane): Pick<OperatorHandlers, GrantMethods> {
  const pending = async (): Promise<never> => {
    throw new CharonError('ERR_INTERNAL', 'grants are not wired yet');
  };
  return { 'grants.create': pending, 'grants.list': pending, 'grants.get': pending, 'grants.narrow': pending, 'grants.revoke': pending };
}
