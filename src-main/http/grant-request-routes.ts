// Agent-facing grant requests: an agent asks for a grant for itself, polls it, withdraws it.
// Deliberately absent here: anything that approves or denies (operator channel + passkey only).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { grantRequestBodySchema, grantRequestIdSchema } from '../../src-shared/approvals.js';
import type { ControlPlane } from '../app/control-plane.js';
import { CharonError } from '../core/errors.js';
import { parseBody } from './agent-schemas.js';
import { readJson, sendJson } from './http-io.js';

type Caller = { readonly credential: { readonly agentId: string }; readonly spiffeId: string };

export async function grantRequestRoute(plane: ControlPlane, req: IncomingMessage, res: ServerResponse, path: string, authenticate: () => Promise<Caller>): Promise<void> {
  const service = plane.approvals.requests;
  const rest = path.slice('/v1/grant-requests'.length);
  const [, id, action, extra] = rest.split('/');
  if (rest === '' || rest === '/') {
    if (req.method !== 'POST') throw new CharonError('ERR_METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on /v1/grant-requests`);
    const caller = await authenticate();
    const body = parseBody(grantRequestBodySchema, await readJson(req));
    return sendJson(res, 201, service.request(caller.credential.agentId, caller.spiffeId, body.spec, body.purpose));
  }
  if (extra !== undefined || !id || !grantRequestIdSchema.safeParse(id).success) throw new CharonError('ERR_NOT_FOUND', 'Not found');
  if (action === undefined) {
    if (req.method !== 'GET') throw new CharonError('ERR_METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed here`);
    const caller = await authenticate();
    return sendJson(res, 200, service.getForAgent(caller.credential.agentId, id));
  }
  if (action === 'withdraw') {
    if (req.method !== 'POST') throw new CharonError('ERR_METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed here`);
    const caller = await authenticate();
    return sendJson(res, 200, service.withdraw(caller.credential.agentId, caller.spiffeId, id));
  }
  throw new CharonError('ERR_NOT_FOUND', 'Not found');
}
