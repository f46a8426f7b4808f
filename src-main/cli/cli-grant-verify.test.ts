// `charon grant verify <id>` (alias `charon grants verify`): offline re-verification of the
// owner's passkey assertion over the stored grant, from a separate process on the data dir.
import { rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GrantVerifyDto } from '../../src-shared/approvals.js';
import type { GrantSpec } from '../../src-shared/grant.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { assertBuilt, charon } from '../test-support/cli.js';
import { openTestPlane } from '../test-support/control-plane.js';
import { openRawDb } from '../test-support/raw-db.js';
import { SoftAuthenticator } from '../test-support/soft-authenticator.js';

let dataDir: string | undefined;
beforeAll(() => assertBuilt());
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const ORIGIN = 'http://localhost:7471';

describe('charon grant verify', () => {
  it('verifies a passkey-approved grant, and fails (exit 1) once the stored grant is altered', { timeout: 60_000 }, async () => {
    const t = await openTestPlane();
    dataDir = t.dataDir;
    const { plane } = t;
    plane.endpoints.bridgeUrl = ORIGIN;
    await t.activeAgent('builder');
    const auth = new SoftAuthenticator(ORIGIN);
    const begun = await plane.approvals.passkeys.registerBegin('test key');
    await plane.approvals.passkeys.registerComplete(begun.ceremonyId, auth.register(begun.registration as { challenge: string }), undefined, 'operator');
    const parsed = validateOperatorCall('grants.create', { spec: { agentId: 'builder', environment: 'dev', servers: { memory: { tools: { read_graph: {} } } } } });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const spec = (parsed.value.input as { spec: GrantSpec }).spec;
    const request = plane.approvals.requests.request('builder', 'spiffe://charon.local/agent/builder', spec, 'read the graph');
    const challenge = await plane.approvals.approvals.begin(request.id, spec, 'operator');
    const { grant } = await plane.approvals.approvals.complete(request.id, auth.assert(challenge.options as { challenge: string }), 'operator');
    if (!grant) throw new Error('no grant');
    await plane.close();

    const ok = charon(['--data-dir', t.dataDir, 'grants', 'verify', grant.id, '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout) as GrantVerifyDto).toMatchObject({ ok: true, method: 'passkey', requestId: request.id });
    expect(charon(['--data-dir', t.dataDir, 'grant', 'verify', grant.id]).stdout).toContain('verified');

    const db = openRawDb(t.dataDir);
    db.prepare('UPDATE grants SET spec = ? WHERE id = ?').run(JSON.stringify({ ...spec, servers: { memory: { tools: { read_graph: {}, delete_entities: {} }, resources: [], prompts: [] } } }), grant.id);
    db.close();
    const broken = charon(['--data-dir', t.dataDir, 'grant', 'verify', grant.id]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('NOT verified (spec-changed)');
  });
});
