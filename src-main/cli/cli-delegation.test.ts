import { rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DelegationDto, DelegationGraphDto, DelegationIssuedDto, DelegationTraceDto } from '../../src-shared/delegation.js';
import { ControlPlane } from '../app/control-plane.js';
import { assertBuilt, cliFor } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';

let dataDir: string;
beforeAll(() => assertBuilt());
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const { cli, json } = cliFor(() => dataDir);

/** Two attested agents of alice's, a and b, in a data directory the CLI then opens. */
async function attestedAgents(): Promise<void> {
  const plane = await ControlPlane.open({ dataDir });
  try {
    for (const id of ['a', 'b']) {
      await plane.handlers['identities.register']({ id, owner: 'alice', environment: 'dev', selectors: [], scopes: ['files:read', 'files:write'] });
      plane.attestation.attestWithJoinToken(id, (await plane.handlers['joinTokens.create']({ agentId: id })).token);
    }
  } finally {
    await plane.close();
  }
}

describe('charon delegation and charon trace', () => {
  it('the owner authorizes a, a hands a slice to b, and trace shows the chain back to alice', { timeout: 90_000 }, async () => {
    dataDir = tempDir();
    await attestedAgents();
    const root = json<DelegationIssuedDto>('delegation', 'authorize', 'a', '--owner', 'alice', '--scope', 'files:read', '--scope', 'files:write', '--ttl', '600');
    expect(root.delegation).toMatchObject({ depth: 1, agentId: 'a', scope: 'files:read files:write', delegator: 'spiffe://charon.local/owner/alice' });
    expect(cli('delegation', 'authorize', 'a', '--owner', 'bob').status).toBe(1);

    // The hop itself is an RFC 8693 exchange (an agent's act); made in process here.
    const plane = await ControlPlane.open({ dataDir });
    let child: string;
    try {
      const actor = (await plane.authority.issue({ agentId: 'b' }, 'test')).token;
      child = (await plane.delegation.exchange({ subjectToken: root.token, actorToken: actor, scope: ['files:read'], method: 'POST', url: 'http://127.0.0.1:7470/v1/token' })).token;
    } finally {
      await plane.close();
    }

    const trace = json<DelegationTraceDto>('trace', child);
    expect(trace).toMatchObject({ ownerId: 'alice', subject: 'spiffe://charon.local/owner/alice', actor: 'spiffe://charon.local/agent/b' });
    expect(trace.hops.map((h) => [h.agentId, h.scope])).toEqual([
      ['a', 'files:read files:write'],
      ['b', 'files:read'],
    ]);
    const human = cli('trace', child);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/owner alice/);
    expect(human.stdout).toMatch(/1\. alice → a .*\n.*scope "files:read files:write"/);
    expect(human.stdout).toMatch(/2\. a → b .*\n.*scope "files:read"/);

    const graph = json<DelegationGraphDto>('delegation', 'graph', '--owner', 'alice');
    expect(graph.edges.map((e) => e.target)).toEqual(['spiffe://charon.local/agent/a', 'spiffe://charon.local/agent/b']);
    const revoked = json<DelegationDto>('delegation', 'revoke', root.delegation.id, '--reason', 'done');
    expect(revoked.state).toBe('REVOKED');
    expect(json<DelegationGraphDto>('delegation', 'graph', '--live').edges).toEqual([]);
    // A token that is not a delegated one has no chain to show.
    expect(cli('trace', 'not-a-token').stderr).toMatch(/ERR_JWT_MALFORMED/);
  });
});
