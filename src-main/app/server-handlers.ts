import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import { CharonError } from '../core/errors.js';
import type { ControlPlane } from './control-plane.js';

type ServerMethods = 'servers.list' | 'servers.set' | 'servers.remove' | 'servers.import';

// PLACEHOLDER — being implemented now (DownstreamManager); must be replaced before this lands.
export function serverHandlers(_plane: ControlPlane): Pick<OperatorHandlers, ServerMethods> {
  const pending = async (): Promise<never> => {
    throw new CharonError('ERR_INTERNAL', 'downstream servers are not wired yet');
  };
  return { 'servers.list': pending, 'servers.set': pending, 'servers.remove': pending, 'servers.import': pending };
}
