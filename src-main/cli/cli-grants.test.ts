import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GrantDto } from '../../src-shared/grant.js';
import { assertBuilt, cliFor } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';

let dataDir: string;
beforeAll(() => assertBuilt());
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const { cli, json } = cliFor(() => dataDir);

describe('charon grant', () => {
  it('creates from flags and from a file, lists, shows, narrows and revokes through the operator contract', { timeout: 90_000 }, () => {
    dataDir = tempDir();
    expect(cli('agent', 'register', 'builder', '--owner', 'alice', '--env', 'dev').status).toBe(0);

    const quick = json<GrantDto>('grant', 'create', '--agent', 'builder', '--env', 'dev', '--tool', 'files__read_file', '--tool', 'files__list_dir', '--ttl', '3600');
    expect(quick).toMatchObject({ state: 'ACTIVE', spec: { agentId: 'builder', servers: { files: { tools: { read_file: {}, list_dir: {} } } } } });
    expect(quick.spec.expiresAt).toBeGreaterThan(Date.now());

    const file = join(dataDir, 'grant.json');
    writeFileSync(file, JSON.stringify({ spec: { agentId: 'builder', environment: 'dev', servers: { pay: { tools: { send: { args: { amount: { amount: { max: '100' } } } } } } } } }));
    const fromFile = json<GrantDto>('grant', 'create', '--file', file);
    expect(fromFile.spec.servers.pay?.tools.send?.args).toEqual({ amount: { amount: { max: '100' } } });

    const list = json<GrantDto[]>('grant', 'list', '--agent', 'builder');
    expect(list.map((g) => g.id).sort()).toEqual([quick.id, fromFile.id].sort());
    expect(json<GrantDto>('grant', 'show', quick.id)).toEqual(quick);
    expect(cli('grant', 'show', quick.id).stdout).toContain(`spec sha256 ${quick.specHash}`);

    // Narrowing to less is accepted; widening (a higher cap) is refused with a stable code and exit 1.
    const narrower = join(dataDir, 'narrower.json');
    writeFileSync(narrower, JSON.stringify({ ...fromFile.spec, servers: { pay: { tools: { send: { args: { amount: { amount: { max: '50' } } } } } } } }));
    expect(json<GrantDto>('grant', 'narrow', fromFile.id, '--file', narrower).specHash).not.toBe(fromFile.specHash);
    const wider = join(dataDir, 'wider.json');
    writeFileSync(wider, JSON.stringify({ ...fromFile.spec, servers: { pay: { tools: { send: { args: { amount: { amount: { max: '75' } } } } } } } }));
    const refused = cli('grant', 'narrow', fromFile.id, '--file', wider);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('ERR_GRANT_WIDENS');

    expect(json<GrantDto>('grant', 'revoke', quick.id, '--reason', 'done').state).toBe('REVOKED');
    expect(json<GrantDto[]>('grant', 'list', '--state', 'active').map((g) => g.id)).toEqual([fromFile.id]);
    const again = cli('grant', 'revoke', quick.id);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('ERR_GRANT_NOT_ACTIVE');

    const audit = json<{ kind: string; decision: string }[]>('audit', 'list', '--limit', '50');
    expect(audit.filter((r) => r.kind.startsWith('grant.')).map((r) => `${r.kind}:${r.decision}`).reverse()).toEqual([
      'grant.create:allow',
      'grant.create:allow',
      'grant.narrow:allow',
      'grant.narrow:deny',
      'grant.revoke:allow',
      'grant.revoke:deny',
    ]);
  });

  it('exits 2 on usage errors and 1 on refusals', { timeout: 60_000 }, () => {
    dataDir = tempDir();
    expect(cli('grant', 'create', '--agent', 'builder', '--env', 'dev').status).toBe(2);
    expect(cli('grant', 'create', '--agent', 'builder', '--env', 'dev', '--tool', 'no-separator').status).toBe(2);
    expect(cli('grant', 'show', 'not-a-grant-id').status).toBe(2);
    expect(cli('grant', 'frobnicate').status).toBe(2);
    const missing = cli('grant', 'create', '--agent', 'ghost', '--env', 'dev', '--tool', 'files__read_file');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('ERR_IDENTITY_NOT_FOUND');
    const unknown = cli('grant', 'show', 'grt_0000000000000000');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('ERR_GRANT_NOT_FOUND');
  });
});
