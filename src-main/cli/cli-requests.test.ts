// `charon request list`: the approval inbox from the CLI, with what each request would add,
// named as on the consent card (issue 13, item 2). Real CLI on a real database file.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { assertBuilt, cliFor } from '../test-support/cli.js';
import { openTestPlane } from '../test-support/control-plane.js';

let dataDir = '';
const { cli, json } = cliFor(() => dataDir);

beforeAll(async () => {
  assertBuilt();
  const t = await openTestPlane();
  dataDir = t.dataDir;
  t.clock.set(Date.now());
  await t.activeAgent('payer');
  const capped = { agentId: 'payer', environment: 'dev', servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '50.00' } } } } } } } };
  await t.plane.handlers['grants.create']({ spec: grantSpecSchema.parse(capped) });
  const id = 'spiffe://charon.local/agent/payer';
  t.plane.approvals.requests.request('payer', id, grantSpecSchema.parse({ agentId: 'payer', environment: 'dev', servers: { pay: { tools: { charge: {} } } } }), 'charge without a limit');
  t.plane.approvals.requests.request('payer', id, grantSpecSchema.parse({ ...capped, servers: { pay: { tools: { charge: { args: { amount: { amount: { max: '20.00' } } } } } } } }), 'a smaller limit');
  // The plane only, not the directory: the CLI reads it next.
  await t.plane.close();
}, 30_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('charon request list', () => {
  it('names the removed amount constraint; a request that allows nothing new says so', () => {
    const out = cli('request', 'list');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('purpose: charge without a limit');
    expect(out.stdout).toContain('[argument] pay__charge: the constraint on amount is removed (today: amount between 0 and 50.00)');
    expect(out.stdout).toContain('nothing new: every call it allows is allowed today');
    const items = json<{ diff: { nothingNew: boolean } }[]>('request', 'list');
    expect(items.map((i) => i.diff.nothingNew).sort()).toEqual([false, true]);
  });
});
