import type { OperatorHandlers } from '../../src-shared/operator-api.js';
import type { ControlPlane } from './control-plane.js';
import { OPERATOR } from './operator-handlers.js';

type ServerMethods = 'servers.list' | 'servers.set' | 'servers.remove' | 'servers.import';

/** Operator methods for downstream MCP servers: thin adapters over the DownstreamManager. */
export function serverHandlers(plane: ControlPlane): Pick<OperatorHandlers, ServerMethods> {
  const { downstream } = plane;
  return {
    'servers.list': async () => downstream.status(),
    'servers.set': async ({ name, config }) => downstream.set(name, config, OPERATOR),
    'servers.remove': async ({ name }) => {
      await downstream.remove(name, OPERATOR);
      return { removed: name };
    },
    'servers.import': async ({ path, overwrite }) => downstream.importFrom(path, overwrite, OPERATOR),
  };
}
