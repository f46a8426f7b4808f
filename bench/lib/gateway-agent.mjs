// The agent side of bench/gateway.mjs: the clients and the interleaved measurements.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { compare, median } from './measure.mjs';

const { CharonAgent, DpopKey } = await import('../../dist/src-main/agent-client/index.js');

const MESSAGE = 'hello from the gateway bench';
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** An echo through `client`; throws unless the server echoed (a refusal would be an error result). */
const echoOp = (client, name) => async () => {
  const result = await client.callTool({ name, arguments: { message: MESSAGE } });
  if (result.isError || !JSON.stringify(result.content).includes(MESSAGE)) throw new Error(`${name}: unexpected result ${JSON.stringify(result).slice(0, 300)}`);
};

/**
 * Latency of one call at a time: like `compare`, each candidate runs in interleaved slices of
 * alternating order; every call is timed. Per round: p50, p99 and rate of each; added latency
 * = subject quantile − baseline quantile of the same round; the result is the median of rounds.
 */
export async function latencyCompare({ baseline, subjects, rounds, ms, slices = 16, warmupMs = 300 }) {
  const all = [baseline, ...subjects];
  const timed = async (op, sliceMs, into) => {
    const end = performance.now() + sliceMs;
    let t = performance.now();
    while (t < end) {
      await op();
      const after = performance.now();
      into.push(after - t);
      t = after;
    }
  };
  for (const s of all) await timed(s.op, warmupMs, []);
  const perRound = new Map(all.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    const samples = new Map(all.map((s) => [s.name, []]));
    for (let slice = 0; slice < slices; slice++) {
      const order = (round * slices + slice) % 2 === 0 ? all : [...all].reverse();
      for (const s of order) await timed(s.op, ms / slices, samples.get(s.name));
    }
    for (const s of all) {
      const d = samples.get(s.name);
      const total = d.reduce((a, b) => a + b, 0);
      d.sort((a, b) => a - b);
      perRound.get(s.name).push({ p50: quantile(d, 0.5), p99: quantile(d, 0.99), rate: (d.length / total) * 1000, n: d.length });
    }
  }
  const base = perRound.get(baseline.name);
  const summary = (r) => ({ p50Ms: median(r.map((x) => x.p50)), p99Ms: median(r.map((x) => x.p99)), rate: median(r.map((x) => x.rate)), samplesPerRound: median(r.map((x) => x.n)) });
  return {
    rounds,
    baseline: { name: baseline.name, ...summary(base), rounds: base },
    subjects: subjects.map((s) => {
      const r = perRound.get(s.name);
      return { name: s.name, ...summary(r), addedP50Ms: median(r.map((x, i) => x.p50 - base[i].p50)), addedP99Ms: median(r.map((x, i) => x.p99 - base[i].p99)), rounds: r };
    }),
  };
}

async function connect(transport, name) {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** Connects the clients; `gatewayCalls()` counts calls the gateway answered. */
export async function openClients({ listenerUrl, joinToken, agentId, bareUrl, proxyUrl, supergatewayUrl, downstream, server }, floorClient) {
  const dpopKey = await DpopKey.generate();
  const agent = new CharonAgent({ url: listenerUrl, agentId, joinToken, dpopKey });
  await agent.attest();
  const gateway = await connect(agent.mcpTransport('/mcp'), 'bench-gateway');
  const { tools } = await gateway.listTools();
  if (!tools.some((t) => t.name === `${server}__echo`)) throw new Error(`gateway does not list ${server}__echo: ${tools.map((t) => t.name).join(', ')}`);
  const direct = await connect(new StdioClientTransport({ ...downstream, stderr: 'ignore' }), 'bench-direct');
  const bare = await connect(new StreamableHTTPClientTransport(new URL(bareUrl)), 'bench-bare');
  const proxy = await connect(new StreamableHTTPClientTransport(new URL(proxyUrl)), 'bench-proxy');
  const supergateway = await connect(new StreamableHTTPClientTransport(new URL(supergatewayUrl)), 'bench-supergateway');
  // The gateway again, through the same SDK client transport as the proxy (the agent's fetch adds the DPoP proof): Charon's checks alone.
  const sdkGateway = await connect(new StreamableHTTPClientTransport(new URL('/mcp', listenerUrl), { fetch: agent.fetch }), 'bench-gateway-sdk');
  let gatewayCalls = 0;
  const gatewayEcho = echoOp(gateway, `${server}__echo`);
  const sdkGatewayEcho = echoOp(sdkGateway, `${server}__echo`);
  return {
    agent,
    dpopKey,
    gatewayCalls: () => gatewayCalls,
    ops: {
      direct: { name: 'direct: SDK client → stdio server', op: echoOp(direct, 'echo') },
      bare: { name: 'bare SDK Streamable HTTP (no downstream)', op: echoOp(bare, 'echo') },
      proxy: { name: 'SDK HTTP proxy → stdio (no checks)', op: echoOp(proxy, 'echo') },
      supergateway: { name: 'supergateway 4.0.0 → stdio (npm, --stateful)', op: echoOp(supergateway, 'echo') },
      floor: { name: 'floor: the mandated steps alone (no Charon code)', op: echoOp(floorClient, 'echo') },
      sdkGateway: {
        name: 'Charon gateway, SDK client transport',
        op: async () => {
          await sdkGatewayEcho();
          gatewayCalls++;
        },
      },
      gateway: {
        name: 'Charon gateway → stdio (all checks)',
        op: async () => {
          await gatewayEcho();
          gatewayCalls++;
        },
      },
    },
    close: () => Promise.allSettled([gateway, sdkGateway, direct, bare, proxy, supergateway].map((c) => c.close())),
  };
}

/** Both measurements: latency with one call in flight, then calls/s with `concurrency` in flight. */
export async function measureClients(clients, { rounds, ms, concurrency }) {
  const { direct, bare, proxy, supergateway, floor, sdkGateway, gateway } = clients.ops;
  const subjects = [bare, proxy, supergateway, floor, sdkGateway, gateway];
  const latency = await latencyCompare({ baseline: direct, subjects, rounds, ms });
  const throughput = await compare({ baseline: direct, subjects, rounds, ms, concurrency });
  return { latency, throughput, gatewayCalls: clients.gatewayCalls(), names: Object.fromEntries(Object.entries(clients.ops).map(([k, v]) => [k, v.name])) };
}
