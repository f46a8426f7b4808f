// A downstream MCP server misbehaving under the gateway (issue 8), seen from the agents: killed
// mid-call, hung, writing garbage, answering malformed results. The agent that called it gets a
// clear MCP error in bounded time; another agent (and this agent's other servers) keeps being
// served the whole time; the crashed server comes back by itself (restart with backoff). The
// manager-level cases (backoff timing, health checks, servers that cannot start) are in
// downstream/downstream-failures.test.ts.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { misbehavingServer } from './downstream/test-fixtures/servers.js';
import { openGatewayHarness, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { writeProofFigures } from '../test-support/proof-figures.js';

const REQUEST_TIMEOUT_MS = 1500;
/** Far above the request timeout, far below "hangs": what "bounded" means here, never a speed claim. */
const BOUND_MS = 15_000;

let h: GatewayHarness;
let victim: Client;
let bystander: Client;
const figures = { faultsInjected: 0, clearErrors: 0, bystanderCalls: 0, bystanderFailures: 0, restartsObserved: 0 };

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'], downstream: { requestTimeoutMs: REQUEST_TIMEOUT_MS, backoff: { initialMs: 100, maxMs: 400, stableMs: 60_000, maxAttempts: 20 } } });
  await h.plane.handlers['servers.set']({ name: 'flaky', config: misbehavingServer() });
  const v = await h.agent('victim', { dpop: false });
  await h.grant({ agentId: 'victim', environment: 'dev', servers: { flaky: { tools: { ok: {}, hang: {}, garbage: {}, malformed: {}, crash: {} } }, everything: { tools: { echo: {} } } } });
  const b = await h.agent('bystander', { dpop: false });
  await h.grant({ agentId: 'bystander', environment: 'dev', servers: { everything: { tools: { echo: {} } } } });
  victim = await v.connect();
  bystander = await b.connect();
  expect(textOf(await victim.callTool({ name: 'flaky__ok', arguments: {} }))).toBe('fine');
}, 30_000);

afterAll(async () => {
  writeProofFigures('downstream-faults', figures);
  await victim?.close();
  await bystander?.close();
  await h?.close();
});

/** Runs `fault` while the bystander calls echo in a loop; every bystander call must succeed. */
async function whileBystanderWorks<T>(fault: () => Promise<T>): Promise<T> {
  let done = false;
  const loop = (async () => {
    for (let i = 0; !done; i++) {
      figures.bystanderCalls++;
      try {
        expect(textOf(await bystander.callTool({ name: 'everything__echo', arguments: { message: `still here ${i}` } }))).toContain(`still here ${i}`);
      } catch (error) {
        figures.bystanderFailures++;
        throw error;
      }
    }
  })();
  try {
    return await fault();
  } finally {
    done = true;
    await loop;
  }
}

async function clearError(tool: string): Promise<{ code: string | undefined; message: string; ms: number }> {
  figures.faultsInjected++;
  const started = Date.now();
  const refusal = await refusalOf(victim.callTool({ name: `flaky__${tool}`, arguments: {} }));
  const ms = Date.now() - started;
  expect(ms).toBeLessThan(BOUND_MS);
  expect(refusal.message.length).toBeGreaterThan(0);
  figures.clearErrors++;
  return { ...refusal, ms };
}

describe('one agent\'s downstream misbehaves; the others never notice', () => {
  it('hung: the call ends in ERR_DOWNSTREAM_TIMEOUT after the request timeout; the bystander is served throughout', async () => {
    const error = await whileBystanderWorks(() => clearError('hang'));
    expect(error.code).toBe('ERR_DOWNSTREAM_TIMEOUT');
    expect(figures.bystanderCalls).toBeGreaterThan(0);
  });

  it('garbage on stdout mid-call: a clear error in bounded time, the server goes on answering', async () => {
    const error = await whileBystanderWorks(() => clearError('garbage'));
    expect(error.code).toMatch(/^ERR_DOWNSTREAM_(TIMEOUT|UNAVAILABLE)$/);
    expect(textOf(await victim.callTool({ name: 'flaky__ok', arguments: {} }))).toBe('fine');
  });

  it('a malformed result (content not a list): an MCP error naming the problem, not a crash', async () => {
    const error = await whileBystanderWorks(() => clearError('malformed'));
    expect(error.message).toMatch(/content|invalid|expected/i);
  });

  it('killed mid-call: ERR_DOWNSTREAM_UNAVAILABLE at once; restarted with backoff, the next calls succeed; the victim\'s other server never went away', async () => {
    const before = h.plane.downstream.pidOf('flaky');
    const error = await whileBystanderWorks(() => clearError('crash'));
    expect(error.code).toBe('ERR_DOWNSTREAM_UNAVAILABLE');
    expect(textOf(await victim.callTool({ name: 'everything__echo', arguments: { message: 'other server' } }))).toContain('other server');
    let answer = '';
    for (let i = 0; i < 50 && answer !== 'fine'; i++) {
      try {
        answer = textOf(await victim.callTool({ name: 'flaky__ok', arguments: {} }));
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(answer).toBe('fine');
    const after = h.plane.downstream.pidOf('flaky');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    figures.restartsObserved++;
  });

  it('every one of those calls was decided and recorded as allowed before it was forwarded; the chain verifies', async () => {
    const decisions = (await h.decisions()).filter((d) => d.subject.startsWith('flaky__'));
    for (const tool of ['hang', 'garbage', 'malformed', 'crash']) expect(decisions.some((d) => d.subject === `flaky__${tool}` && d.decision === 'allow')).toBe(true);
    expect(figures.bystanderFailures).toBe(0);
    expect(await h.plane.handlers['audit.verify']({})).toMatchObject({ ok: true });
  });
});
