// Grant requests on the agent listener, and the attack of an agent approving its own request:
// no agent-facing path approves, denies or begins an approval.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestPlane, type TestPlane } from '../test-support/control-plane.js';
import { startAgentListener, type AgentListener } from './agent-listener.js';

let t: TestPlane;
let listener: AgentListener;
afterEach(async () => {
  await listener?.close();
  await t?.close();
});

const spec = (agentId = 'builder') => ({ agentId, environment: 'dev', servers: { memory: { tools: { read_graph: {} } } } });

async function svidFor(id: string): Promise<string> {
  await t.plane.handlers['identities.register']({ id, owner: 'alice', environment: 'dev', selectors: [], scopes: [] });
  const { token } = await t.plane.handlers['joinTokens.create']({ agentId: id });
  const res = await call('POST', '/v1/attest/join-token', { agent_id: id, token });
  return ((await res.json()) as { svid: string }).svid;
}

const call = (method: string, path: string, body?: unknown, svid?: string) =>
  fetch(`${listener.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(svid ? { authorization: `Bearer ${svid}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('POST /v1/grant-requests', () => {
  it('an agent requests a grant for itself, polls it and withdraws it; another agent sees nothing of it', async () => {
    t = await openTestPlane();
    listener = await startAgentListener(t.plane, { port: 0 });
    const svid = await svidFor('builder');
    const other = await svidFor('other');

    expect((await call('POST', '/v1/grant-requests', { spec: spec(), purpose: 'x' })).status).toBe(401);
    const created = await call('POST', '/v1/grant-requests', { spec: spec(), purpose: 'read my notes' }, svid);
    expect(created.status).toBe(201);
    const request = (await created.json()) as { id: string; state: string; agentId: string };
    expect(request).toMatchObject({ state: 'PENDING', agentId: 'builder' });

    const forOther = await call('POST', '/v1/grant-requests', { spec: spec('other'), purpose: 'for a friend' }, svid);
    expect(forOther.status).toBe(403);
    expect(((await forOther.json()) as { code: string }).code).toBe('ERR_FORBIDDEN');

    expect(((await (await call('GET', `/v1/grant-requests/${request.id}`, undefined, svid)).json()) as { state: string }).state).toBe('PENDING');
    const peek = await call('GET', `/v1/grant-requests/${request.id}`, undefined, other);
    expect(peek.status).toBe(404);
    expect(((await peek.json()) as { code: string }).code).toBe('ERR_GRANT_REQUEST_NOT_FOUND');
    expect((await call('POST', `/v1/grant-requests/${request.id}/withdraw`, {}, other)).status).toBe(404);

    const withdrawn = await call('POST', `/v1/grant-requests/${request.id}/withdraw`, {}, svid);
    expect(((await withdrawn.json()) as { state: string }).state).toBe('WITHDRAWN');
  });

  it('an agent approving its own request through any agent-facing endpoint: none exists', async () => {
    t = await openTestPlane();
    listener = await startAgentListener(t.plane, { port: 0 });
    const svid = await svidFor('builder');
    const created = await call('POST', '/v1/grant-requests', { spec: spec(), purpose: 'self-service' }, svid);
    const { id } = (await created.json()) as { id: string };
    const attempts: [string, string, unknown][] = [
      ['POST', `/v1/grant-requests/${id}/approve`, {}],
      ['POST', `/v1/grant-requests/${id}/complete`, { response: {} }],
      ['POST', `/v1/grant-requests/${id}/begin`, { spec: spec() }],
      ['POST', `/v1/grant-requests/${id}/deny`, {}],
      ['PUT', `/v1/grant-requests/${id}`, { state: 'APPROVED' }],
      ['PATCH', `/v1/grant-requests/${id}`, { state: 'APPROVED' }],
      ['POST', `/v1/grant-requests/${id}`, { state: 'APPROVED' }],
      ['POST', '/v1/approvals', { requestId: id }],
      ['POST', '/v1/approvals/complete', { requestId: id }],
      ['POST', '/api/approvals.begin', { requestId: id, spec: spec() }],
      ['POST', '/api/approvals.complete', { requestId: id, response: {} }],
      ['POST', '/api/grants.create', { spec: spec() }],
      ['POST', '/v1/grants', { spec: spec() }],
      ['POST', '/v1/passkeys', {}],
      // The OAuth endpoints decide nothing either: consent is the owner's passkey approval.
      ['POST', '/oauth/authorize', { requestId: id }],
      ['POST', '/oauth/authorize/resume', { requestId: id }],
      ['GET', `/oauth/authorize/resume?txn=${id}`, undefined],
      ['POST', '/oauth/approve', { requestId: id }],
      ['POST', '/oauth/consent', { requestId: id }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, body, svid);
      expect([404, 405], `${method} ${path}`).toContain(res.status);
    }
    const after = (await (await call('GET', `/v1/grant-requests/${id}`, undefined, svid)).json()) as { state: string; grantId: string | null };
    expect(after).toMatchObject({ state: 'PENDING', grantId: null });
    expect(t.plane.grants.list({ agentId: 'builder' })).toEqual([]);
  });
});
