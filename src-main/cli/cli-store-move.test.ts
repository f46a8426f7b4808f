// Team mode (issue 17): a desktop owner moves to a team server. `charon export` from the SQLite
// data dir, `charon import` into a new Postgres store (a real server, started here): identities,
// passkey-approved grants, keys and the audit chain arrive as they were, and verify there.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { assertBuilt, charon } from '../test-support/cli.js';
import { openTestPlane, tempDir } from '../test-support/control-plane.js';
import { startTestPostgres, type TestPostgres } from '../test-support/postgres.js';
import { approveWithPasskey, enrollOwner } from '../test-support/passkey-owner.js';

const desk = tempDir('charon-desk-');
const team = tempDir('charon-team-');
const files = tempDir('charon-move-');
const dump = join(files, 'store.json');
let pg: TestPostgres;
let store: string;
let grantId = '';
let token = '';
let recordsOnDesk = 0;

beforeAll(async () => {
  assertBuilt();
  pg = await startTestPostgres();
  store = pg.database();
  // The desktop: an agent, a grant the owner approved with a passkey, a credential, their records.
  const t = await openTestPlane({ store: undefined }, desk);
  const { plane } = t;
  await t.activeAgent('builder');
  const auth = await enrollOwner(plane);
  const request = plane.approvals.requests.request('builder', 'spiffe://charon.local/agent/builder', grantSpecSchema.parse({ agentId: 'builder', environment: 'dev', servers: { memory: { tools: { read_graph: {} } } } }), 'read the graph');
  grantId = (await approveWithPasskey(plane, auth, request.id)).grant.id;
  token = (await plane.authority.issue({ agentId: 'builder', ttlSeconds: 3600 * 24 * 365 }, 'test')).token;
  await plane.close();
  const verified = JSON.parse(charon(['--data-dir', desk, 'audit', 'verify', '--json']).stdout) as { ok: boolean; records: number };
  expect(verified.ok).toBe(true);
  recordsOnDesk = verified.records;
  // The team server's data dir: the shared store, and the desktop's master key (it unseals the keys).
  writeFileSync(join(team, 'config.json'), JSON.stringify({ store }));
  copyFileSync(join(desk, 'master-key.json'), join(team, 'master-key.json'));
}, 120_000);

afterAll(async () => {
  for (const dir of [desk, team, files]) rmSync(dir, { recursive: true, force: true });
  await pg?.stop();
});

describe('charon export, then charon import into Postgres', () => {
  it('exports every row once the chain verifies, readable by the owner alone, never over a file', () => {
    const exported = charon(['--data-dir', desk, 'export', '--file', dump, '--json']);
    expect(exported.status, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ file: dump });
    const content = JSON.parse(readFileSync(dump, 'utf8')) as { format: string; tables: Record<string, unknown[]> };
    expect(content.format).toBe('charon-store');
    expect(content.tables.identities).toHaveLength(1);
    expect(content.tables.grant_approvals).toHaveLength(1);
    const again = charon(['--data-dir', desk, 'export', '--file', dump]);
    expect(again.status).not.toBe(0);
  });

  it('imports into the new store: the chain verifies there, with the import recorded at its end', () => {
    const imported = charon(['--data-dir', team, 'import', '--file', dump, '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout) as { rows: number; audit: { ok: boolean; records: number } };
    expect(result.audit.ok).toBe(true);
    // The desktop's records (and the checkpoint the export signed), then the import's own.
    expect(result.audit.records).toBeGreaterThan(recordsOnDesk);
    const verify = charon(['--data-dir', team, 'audit', 'verify', '--json']);
    expect(verify.status, verify.stdout).toBe(0);
    const last = JSON.parse(charon(['--data-dir', team, 'audit', 'list', '--limit', '1', '--json']).stdout) as { kind: string }[];
    expect(last[0]?.kind).toBe('store.import');
  });

  it('the owner\'s passkey approval still verifies offline, and the desktop\'s signing keys sign there', () => {
    const grant = charon(['--data-dir', team, 'grants', 'verify', grantId, '--json']);
    expect(grant.status, grant.stderr).toBe(0);
    const agents = JSON.parse(charon(['--data-dir', team, 'agent', 'list', '--json']).stdout) as { id: string; state: string }[];
    expect(agents).toEqual([expect.objectContaining({ id: 'builder', state: 'ACTIVE' })]);
    // The token the desktop issued names a key the team store holds (it has expired on the test clock since).
    const kid = (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as { kid: string }).kid;
    const keys = JSON.parse(charon(['--data-dir', team, 'keys', 'list', '--json']).stdout) as { kid: string; state: string }[];
    expect(keys).toEqual([expect.objectContaining({ kid, state: 'ACTIVE' })]);
  });

  it('refuses to import into a store that already holds a control plane: ERR_STORE_NOT_EMPTY, nothing changed', () => {
    const before = JSON.parse(charon(['--data-dir', team, 'audit', 'verify', '--json']).stdout) as { records: number };
    const again = charon(['--data-dir', team, 'import', '--file', dump]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('ERR_STORE_NOT_EMPTY');
    const after = JSON.parse(charon(['--data-dir', team, 'audit', 'verify', '--json']).stdout) as { ok: boolean; records: number };
    expect(after).toMatchObject({ ok: true, records: before.records });
  });

  it('refuses a tampered export (one record rewritten): ERR_AUDIT_CHAIN_BROKEN, and the new store is left empty', () => {
    const content = JSON.parse(readFileSync(dump, 'utf8')) as { tables: Record<string, Record<string, unknown>[]> };
    const record = content.tables.audit_events?.find((r) => r.decision === 'allow') as Record<string, unknown>;
    record.decision = 'deny';
    const tampered = join(files, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(content));
    const fresh = tempDir('charon-team2-');
    try {
      writeFileSync(join(fresh, 'config.json'), JSON.stringify({ store: pg.database() }));
      copyFileSync(join(desk, 'master-key.json'), join(fresh, 'master-key.json'));
      const refused = charon(['--data-dir', fresh, 'import', '--file', tampered]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('ERR_AUDIT_CHAIN_BROKEN');
      // Nothing of it stays: the good export imports there afterwards.
      expect(charon(['--data-dir', fresh, 'import', '--file', dump]).status).toBe(0);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
