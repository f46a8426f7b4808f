// Team mode (issue 17): two `charon serve` replicas on one real Postgres (Debian's package,
// started here), on the same port of two loopback addresses (127.0.0.1 and 127.0.0.2), as two
// replicas behind one address. What one decides, the other sees at once; what must happen once
// happens once across both.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharonAgent, type AgentCredential } from '../agent-client/charon-agent.js';
import { DpopKey } from '../agent-client/dpop-key.js';
import { assertBuilt, charon, discardServe, startServe, type Served } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';
import { refusalOf, textOf } from '../test-support/gateway-harness.js';
import { startTestPostgres, type TestPostgres } from '../test-support/postgres.js';
import { prepareReplicas, sharedAudit, sharedDecisionRows } from '../test-support/replicas.js';
import { allowedWithoutRecord, attestAgents, connectMcp, drive, emptyStats } from '../test-support/serve-load.js';
import { freePort } from '../test-support/free-port.js';

let pg: TestPostgres;
let store: string;
const dirs = { a: tempDir('charon-replica-a-'), b: tempDir('charon-replica-b-') };
const served: { a: Served | null; b: Served | null } = { a: null, b: null };
let joinTokens = new Map<string, string>();
let port = 0;
const LOAD_AGENTS = Array.from({ length: 8 }, (_, i) => `load-${i}`);


beforeAll(async () => {
  assertBuilt();
  pg = await startTestPostgres();
  store = pg.database();
  port = await freePort();
  joinTokens = await prepareReplicas(
    store,
    [
      { dir: dirs.a, host: '127.0.0.1' },
      { dir: dirs.b, host: '127.0.0.2' },
    ],
    [
      { id: 'roamer', tools: { echo: {} } },
      { id: 'granted-late' },
      // A cumulative cap: 20 of get-sum's `a` per day, each call charging its `a`.
      { id: 'capped', tools: { 'get-sum': { args: { a: { amount: { min: '0', max: '100' } } } } }, envelope: { caps: [{ tool: 'everything__get-sum', arg: 'a', max: '20', per: 'day' }] } },
      { id: 'bound', tools: { echo: {} } },
      // A rate of 10 at once (then one a minute): the burst is the whole budget of this test.
      { id: 'rated', tools: { echo: {} }, envelope: { rate: { perMinute: 1, burst: 10 } } },
      ...LOAD_AGENTS.map((id) => ({ id, tools: { echo: { args: { message: { pattern: 'ok-*' } } } } })),
    ],
  );
  served.a = await startServe(dirs.a, ['--no-bridge'], port);
  served.b = await startServe(dirs.b, ['--no-bridge'], port);
}, 120_000);

afterAll(async () => {
  await discardServe(served.a, dirs.a);
  await discardServe(served.b, dirs.b);
  await pg?.stop();
});

async function attestOn(url: string, agentId: string, dpopKey?: DpopKey): Promise<{ agent: CharonAgent; credential: () => AgentCredential }> {
  let held: AgentCredential | null = null;
  const agent = new CharonAgent({ url, agentId, joinToken: joinTokens.get(agentId) as string, ...(dpopKey ? { dpopKey } : {}), onCredential: (c) => void (held = c) });
  await agent.attest();
  return { agent, credential: () => held as unknown as AgentCredential };
}

const mcpOn = connectMcp;

/** `n` calls at once, alternating between the two replicas' sessions: 'allowed' or the refusal's code, each. */
async function splitAcross(onA: CharonAgent, onB: CharonAgent, n: number, call: (i: number) => { name: string; arguments: Record<string, unknown> }): Promise<string[]> {
  const clients = await Promise.all([mcpOn(onA), mcpOn(onB)]);
  try {
    return await Promise.all(
      Array.from({ length: n }, (_, i) =>
        (clients[i % 2] as Awaited<ReturnType<typeof connectMcp>>).callTool(call(i)).then(
          () => 'allowed',
          async (error: unknown) => (await refusalOf(Promise.reject(error))).code ?? 'unknown',
        ),
      ),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

describe('two replicas on one Postgres', () => {
  it('the replicas listen on one port of two loopback addresses', () => {
    expect(served.a?.agentUrl).toBe(`http://127.0.0.1:${port}`);
    expect(served.b?.agentUrl).toBe(`http://127.0.0.2:${port}`);
  });

  it('an agent attests on one replica and calls the gateway on the other; the decision is in the one chain', async () => {
    const { credential } = await attestOn(served.a?.agentUrl as string, 'roamer');
    const onB = new CharonAgent({ url: served.b?.agentUrl as string, agentId: 'roamer', credential: credential() });
    const client = await mcpOn(onB);
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'hello from b' } }))).toContain('hello from b');
    await client.close();
    const decisions = sharedAudit(store, { kind: 'gateway.decision', limit: 100 });
    expect(decisions.filter((r) => r.decision === 'allow' && r.actor.endsWith('/roamer')).map((r) => r.subject)).toContain('everything__echo');
  });

  it('a grant created through one replica\'s data dir is enforced by the other at once, and its revocation too', async () => {
    const { agent } = await attestOn(served.b?.agentUrl as string, 'granted-late');
    const client = await mcpOn(agent);
    expect(await refusalOf(client.callTool({ name: 'everything__echo', arguments: { message: 'too early' } }))).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED' });
    const created = charon(['--data-dir', dirs.a, 'grant', 'create', '--agent', 'granted-late', '--env', 'dev', '--tool', 'everything__echo', '--json']);
    expect(created.status, created.stderr).toBe(0);
    const grantId = (JSON.parse(created.stdout) as { id: string }).id;
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'now allowed' } }))).toContain('now allowed');
    const revoked = charon(['--data-dir', dirs.a, 'grant', 'revoke', grantId, '--json']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(await refusalOf(client.callTool({ name: 'everything__echo', arguments: { message: 'revoked' } }))).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED' });
    await client.close();
  });

  it('a cap under 50 concurrent calls split across both replicas lets exactly the allowed number through', async () => {
    const { agent: onA, credential } = await attestOn(served.a?.agentUrl as string, 'capped');
    const onB = new CharonAgent({ url: served.b?.agentUrl as string, agentId: 'capped', credential: credential() });
    // 50 calls of 1 unit each, 25 on each replica, all at once: the cap is 20.
    const outcomes = await splitAcross(onA, onB, 50, (i) => ({ name: 'everything__get-sum', arguments: { a: 1, b: i } }));
    expect(outcomes.filter((o) => o === 'allowed')).toHaveLength(20);
    expect(outcomes.filter((o) => o !== 'allowed').every((o) => o === 'ERR_CAP_EXCEEDED')).toBe(true);
  });

  it('a rate limit holds across replicas: 30 concurrent calls split across both against a burst of 10 let exactly 10 through', async () => {
    const { agent: onA, credential } = await attestOn(served.a?.agentUrl as string, 'rated');
    const onB = new CharonAgent({ url: served.b?.agentUrl as string, agentId: 'rated', credential: credential() });
    const outcomes = await splitAcross(onA, onB, 30, (i) => ({ name: 'everything__echo', arguments: { message: `rated ${i}` } }));
    expect(outcomes.filter((o) => o === 'allowed')).toHaveLength(10);
    expect(outcomes.filter((o) => o !== 'allowed').every((o) => o === 'ERR_RATE_LIMITED')).toBe(true);
  });

  it('a DPoP proof spent on one replica is refused as a replay by the other (same URL, same proof)', async () => {
    const key = await DpopKey.generate();
    const { credential } = await attestOn(served.a?.agentUrl as string, 'bound', key);
    const token = credential().token;
    // One proof for POST http://127.0.0.1:<port>/mcp: the address both replicas answer for.
    const proof = await key.proof('POST', `http://127.0.0.1:${port}/mcp`, { accessToken: token });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'replay', version: '1' } } });
    const send = (address: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: address, port, path: '/mcp', method: 'POST', headers: { host: `127.0.0.1:${port}`, authorization: `DPoP ${token}`, dpop: proof, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const first = await send('127.0.0.1');
    expect(first.status, first.body).toBe(200);
    const replay = await send('127.0.0.2');
    expect(replay.status, replay.body).toBe(401);
    const refused = JSON.parse(replay.body) as { error?: { data?: { code?: string } }; code?: string };
    expect(refused.error?.data?.code ?? refused.code).toBe('ERR_DPOP_PROOF_REPLAYED');
  });

  it('kill -9 of one replica under load: the other serves on, no answered call is unaudited, the one chain verifies', async () => {
    const half = LOAD_AGENTS.length / 2;
    const tokens = LOAD_AGENTS.map((id) => ({ id, joinToken: joinTokens.get(id) as string }));
    const onA = await attestAgents(served.a?.agentUrl as string, tokens.slice(0, half));
    const onB = await attestAgents(served.b?.agentUrl as string, tokens.slice(half));
    const statsA = emptyStats();
    const statsB = emptyStats();
    const stopA = new AbortController();
    const stopB = new AbortController();
    let killedAt = Infinity;
    const earlyFailures: string[] = [];
    const loadA = drive(onA, stopA.signal, statsA, {
      // A call cut off by the kill was never answered: it may or may not have been decided.
      onTransportError: async (agent, error) => {
        if (Date.now() < killedAt) earlyFailures.push(`${agent.id}: ${String(error).slice(0, 200)}`);
        stopA.abort();
        return 'retry';
      },
    });
    const loadB = drive(onB, stopB.signal, statsB);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    killedAt = Date.now();
    served.a?.child.kill('SIGKILL');
    expect(await served.a?.exited).toBe('SIGKILL');
    const answeredByBAtKill = statsB.allowed;
    // B goes on alone: its agents' calls keep being answered (the dead replica's lock went with its connection).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // A's calls still waiting on the dead replica end when their clients close; B's finish their call in flight.
    stopA.abort();
    await Promise.all(onA.map((a) => a.mcp?.close().catch(() => undefined)));
    stopB.abort();
    await Promise.all([loadA, loadB]);
    await Promise.all(onB.map((a) => a.mcp?.close()));
    expect(earlyFailures).toEqual([]);
    expect(statsB.unexpected).toEqual([]);
    expect(statsA.allowed).toBeGreaterThan(0);
    expect(statsB.allowed).toBeGreaterThan(answeredByBAtKill);
    const rows = sharedDecisionRows(store);
    expect([...allowedWithoutRecord(statsA, rows), ...allowedWithoutRecord(statsB, rows)]).toEqual([]);
    const verify = charon(['--data-dir', dirs.b, 'audit', 'verify', '--json']);
    expect(verify.status, `${verify.stdout}${verify.stderr}`).toBe(0);
  });
});
