// The clock jumping forward and back under the gateway (issue 8; NTP corrections, a laptop waking
// up): tokens, DPoP proofs, rate limits and time windows each keep their rule. A ManualClock moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seconds } from '../core/clock.js';
import { INITIALIZE, MCP_HEADERS, openGatewayHarness, rawRequest, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';
import { writeProofFigures } from '../test-support/proof-figures.js';

let h: GatewayHarness;
let jumps = 0;
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0); // a Monday, 09:00 UTC

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['everything'] });
}, 30_000);

afterAll(async () => {
  writeProofFigures('clock', { jumps });
  await h?.close();
});

/** Moves the clock (forward or back) and counts it. */
function jump(to: number): void {
  h.clock.set(to);
  jumps++;
}

const echo = (client: Awaited<ReturnType<GatewayHarness['connect']>>, message: string) => client.callTool({ name: 'everything__echo', arguments: { message } });

describe('tokens', () => {
  it('back before the token was issued: 401 ERR_JWT_NOT_YET_VALID even for a token verified (and cached) a moment ago; forward again: accepted; past exp: expired', async () => {
    jump(T0);
    const token = (await h.issue(await agentWithEcho('tok'), { ttlSeconds: 600 })).token;
    const init = () => rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: JSON.stringify(INITIALIZE) });
    expect((await init()).status).toBe(200);
    jump(T0 - seconds(120));
    expect(await init()).toMatchObject({ status: 401, code: 'ERR_JWT_NOT_YET_VALID' });
    jump(T0 + seconds(300));
    expect((await init()).status).toBe(200);
    jump(T0 + seconds(3600));
    expect(await init()).toMatchObject({ status: 401, code: 'ERR_JWT_EXPIRED' });
    jump(T0 + seconds(60));
    // Back inside the window the signature and claims are valid again: the rule is the clock's.
    expect((await init()).status).toBe(200);
  });
});

describe('DPoP proofs', () => {
  const send = (token: string, dpop: string) => rawRequest(`${h.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `DPoP ${token}`, dpop }, body: JSON.stringify(INITIALIZE) });

  it('back before a proof was made: 401 ERR_DPOP_PROOF_STALE ("iat" in the future); a fresh proof on the moved clock passes', async () => {
    jump(T0);
    const agent = await h.agent('dpop-early');
    const token = await agent.token();
    const key = agent.key as NonNullable<typeof agent.key>;
    const made = await key.proof('POST', `${h.url}/mcp`, { accessToken: token, now: T0 + seconds(60) });
    jump(T0 + seconds(30));
    expect(await send(token, made)).toMatchObject({ status: 401, code: 'ERR_DPOP_PROOF_STALE' });
    expect((await send(token, await key.proof('POST', `${h.url}/mcp`, { accessToken: token, now: h.clock.now() }))).status).toBe(200);
  });

  it('a small step forward and back (five minutes) with a purge between: the spent proof stays spent, fresh proofs pass', async () => {
    jump(T0 + seconds(600));
    const agent = await h.agent('dpop-small-step');
    const token = await agent.token();
    const key = agent.key as NonNullable<typeof agent.key>;
    const spent = await key.proof('POST', `${h.url}/mcp`, { accessToken: token, now: h.clock.now() });
    expect((await send(token, spent)).status).toBe(200);
    jump(T0 + seconds(900));
    h.plane.store.dpopReplay.purgeExpired(h.clock.now());
    jump(T0 + seconds(610));
    expect(await send(token, spent)).toMatchObject({ status: 401, code: 'ERR_DPOP_PROOF_REPLAYED' });
    expect((await send(token, await key.proof('POST', `${h.url}/mcp`, { accessToken: token, now: h.clock.now() }))).status).toBe(200);
  });

  it('a proof spent, the clock forward an hour (spent proofs purged), then back: the replay is refused (it was accepted before the purge horizon)', async () => {
    jump(T0 + seconds(1200));
    const agent = await h.agent('dpop-jumper');
    const token = await agent.token();
    const key = agent.key as NonNullable<typeof agent.key>;
    const proof = await key.proof('POST', `${h.url}/mcp`, { accessToken: token, now: h.clock.now() });
    expect((await send(token, proof)).status).toBe(200);
    expect(await send(token, proof)).toMatchObject({ status: 401, code: 'ERR_DPOP_PROOF_REPLAYED' });
    jump(T0 + seconds(1200 + 3600));
    // What `charon serve` does every five minutes.
    h.plane.store.dpopReplay.purgeExpired(h.clock.now());
    expect(await send(token, proof)).toMatchObject({ status: 401, code: 'ERR_DPOP_PROOF_STALE' });
    jump(T0 + seconds(1210));
    const replay = await send(token, proof);
    expect(replay).toMatchObject({ status: 401, code: 'ERR_DPOP_PROOF_REPLAYED' });
    expect(JSON.stringify(replay.body)).toMatch(/clock stepped back/);
  });
});

describe('envelopes', () => {
  it('rate limit: a jump back refills nothing; only real time forward does', async () => {
    // The token is from before the jumps, so it stays valid throughout.
    jump(T0 - seconds(900));
    const id = await agentWithEcho('rated', { rate: { perMinute: 2, burst: 2 } });
    const client = await h.connect(h.bearerTransport((await h.issue(id, { ttlSeconds: 3600 })).token));
    jump(T0);
    await echo(client, 'one');
    await echo(client, 'two');
    expect(await refusalOf(echo(client, 'three'))).toMatchObject({ code: 'ERR_RATE_LIMITED' });
    jump(T0 - seconds(600));
    expect(await refusalOf(echo(client, 'after jumping back'))).toMatchObject({ code: 'ERR_RATE_LIMITED' });
    jump(T0 + seconds(31));
    expect(textOf(await echo(client, 'half a minute later'))).toContain('half a minute later');
    await client.close();
  });

  it('time window: jumped outside it, refused with ERR_OUTSIDE_TIME_WINDOW; back inside, allowed', async () => {
    jump(T0);
    const id = await agentWithEcho('windowed', { windows: [{ days: ['mon'], start: '08:00', end: '09:30' }] });
    const client = await h.connect(h.bearerTransport((await h.issue(id, { ttlSeconds: 3600 })).token));
    expect(textOf(await echo(client, 'inside'))).toContain('inside');
    jump(T0 + seconds(40 * 60));
    expect(await refusalOf(echo(client, 'too late'))).toMatchObject({ code: 'ERR_OUTSIDE_TIME_WINDOW' });
    jump(T0 + seconds(600));
    expect(textOf(await echo(client, 'back inside'))).toContain('back inside');
    await client.close();
  });
});

async function agentWithEcho(id: string, envelope: Record<string, unknown> = {}): Promise<string> {
  await h.activeAgent(id);
  await h.grant({ agentId: id, environment: 'dev', servers: { everything: { tools: { echo: {} } } }, envelope });
  return id;
}
