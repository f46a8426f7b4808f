import { rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityDto } from '../../src-shared/dto.js';
import type { OwnerDto, ReaperPreviewDto, ReaperRunDto } from '../../src-shared/reaper.js';
import { assertBuilt, cliFor } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';

let dataDir: string;
beforeAll(() => assertBuilt());
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const { cli, json } = cliFor(() => dataDir);

describe('charon reaper and owner', () => {
  it('a departed owner makes an orphan: previewed, applied by id, decommissioned', { timeout: 90_000 }, () => {
    dataDir = tempDir();
    expect(cli('agent', 'register', 'helper', '--owner', 'carol', '--new-owner', '--env', 'dev').status).toBe(0);
    expect(json<ReaperPreviewDto>('reaper', 'preview').actions).toEqual([]);
    expect(json<OwnerDto>('owner', 'set', 'carol', '--state', 'departed', '--reason', 'left')).toMatchObject({ id: 'carol', state: 'DEPARTED', identities: 1 });
    expect(json<OwnerDto[]>('owner', 'list')).toMatchObject([{ id: 'carol', state: 'DEPARTED' }]);

    const preview = json<ReaperPreviewDto>('reaper', 'preview');
    expect(preview.actions).toMatchObject([{ rule: 'orphan', subject: 'spiffe://charon.local/agent/helper', reason: 'owner carol is DEPARTED' }]);
    expect(cli('reaper', 'preview').stdout).toContain('orphan');
    const id = preview.actions[0]?.id as string;

    expect(cli('reaper', 'run', '--action', 'nope').status).toBe(2);
    const run = json<ReaperRunDto>('reaper', 'run', '--action', id);
    expect(run.applied.map((a) => a.id)).toEqual([id]);
    expect(json<IdentityDto>('agent', 'show', 'helper').state).toBe('DECOMMISSIONED');
    expect(json<ReaperRunDto>('reaper', 'run')).toMatchObject({ applied: [], notFound: [] });
  });
});
