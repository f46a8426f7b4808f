// The real agent listener on an ephemeral loopback port, for tests below the http layer
// (e.g. interop checks that must fetch the bundle over HTTP like any relying party).
import type { ControlPlane } from '../app/control-plane.js';
import { startAgentListener, type AgentListener } from '../http/agent-listener.js';

export type { AgentListener };

export function startTestAgentListener(plane: ControlPlane): Promise<AgentListener> {
  return startAgentListener(plane, { port: 0 });
}
