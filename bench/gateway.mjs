// What the MCP gateway costs an agent: the SAME stdio downstream server (server-everything's
// `echo`) called directly with the SDK client over stdio, and through the gateway with every
// check (DPoP-bound prod token and a fresh proof per request, Cedar decision, envelope admission,
// the decision's audit record committed) over Streamable HTTP on 127.0.0.1. Two references show
// where the cost lies: the bare SDK Streamable HTTP round trip (an SDK McpServer answering echo
// itself, no Charon), and a plain SDK proxy (HTTP in, the same stdio server out, no checks).
// Servers and clients share this process and its event loop (on 2 cores, a worker thread or a
// second process for the clients measured slower: the stdio children need the other core); each
// stdio client has its own child server (the gateway's, the direct client's, the proxy's).
// The gateway's agent is what a TypeScript agent or `charon connect` uses: the SDK Client over
// CharonAgent.mcpTransport (the SDK's Streamable HTTP client transport, fetching over node:http);
// the references use the SDK's transports on both sides, as shipped.
import { approvedGrant } from './lib/passkey.mjs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { benchRoot } from './lib/plane.mjs';
import { openClients, measureClients } from './lib/gateway-agent.mjs';
import { median } from './lib/measure.mjs';
import { rowsOf } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const everything = join(require.resolve('@modelcontextprotocol/server-everything/package.json'), '..', 'dist', 'index.js');
const downstream = { command: process.execPath, args: [everything, 'stdio'] };

const AGENT = 'bench-gateway-agent';
const SERVER = 'everything';
const CONCURRENCY = 16;
const TARGETS = { addedP50Ms: 1, addedP99Ms: 3, gatewayMinRate: 1500 };

/** An SDK McpServer on loopback over Streamable HTTP (stateful sessions), with one `echo` tool. */
async function startSdkHttpServer(echo) {
  const transports = new Map();
  const server = createServer((req, res) => {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? transports.get(id) : undefined;
    const handle = async () => {
      if (!transport) {
        transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomBytes(16).toString('hex'), onsessioninitialized: (sid) => transports.set(sid, transport) });
        const mcp = new McpServer({ name: 'bench-http', version: '1.0.0' });
        mcp.registerTool('echo', { inputSchema: { message: z.string() } }, echo);
        await mcp.connect(transport);
      }
      await transport.handleRequest(req, res);
    };
    handle().catch(() => res.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/mcp`,
    async close() {
      await Promise.all([...transports.values()].map((t) => t.close()));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The server side: a control plane with a prod agent to attest, the downstream server and its grant, the agent listener, the two SDK servers. */
export async function startServers() {
  const { ControlPlane } = await import('../dist/src-main/app/control-plane.js');
  const { startAgentListener } = await import('../dist/src-main/http/agent-listener.js');
  const dataDir = mkdtempSync(join(benchRoot, 'charon-bench-gateway-'));
  const masterKey = randomBytes(32);
  // As `charon serve` and the desktop app run it: SQLite checkpoints in a worker thread, off the commit path.
  const plane = await ControlPlane.open({ dataDir, masterKeyProvider: { load: async () => masterKey }, walCheckpoints: 'worker' });
  const closers = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await plane.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (!plane.config.dpopRequired.includes('prod')) throw new Error('bench expects DPoP to be required in prod');
    await plane.handlers['identities.register']({ id: AGENT, owner: 'bench', environment: 'prod', selectors: [], scopes: ['mcp'] });
    const { token: joinToken } = await plane.handlers['joinTokens.create']({ agentId: AGENT });
    await plane.handlers['servers.set']({ name: SERVER, config: downstream });
    const spec = {
      agentId: AGENT,
      environment: 'prod',
      servers: { [SERVER]: { tools: { echo: {} }, resources: [], prompts: [] } },
      // A real envelope: every call takes a token from the grant's bucket (never empty in this run).
      envelope: { rate: { perMinute: 100_000, burst: 100_000 } },
      expiresAt: null,
    };
    // A prod grant counts only with the owner's passkey approval: the bench approves it as the owner would.
    await approvedGrant(plane, spec);
    const listener = await startAgentListener(plane, { port: 0 });
    closers.push(() => listener.close());
    const bare = await startSdkHttpServer(async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }));
    closers.push(() => bare.close());
    // A proxy without checks: HTTP in, the same stdio server out (its own child, like the gateway's).
    const proxyDownstream = new Client({ name: 'bench-proxy', version: '1.0.0' });
    await proxyDownstream.connect(new StdioClientTransport({ ...downstream, stderr: 'ignore' }));
    closers.push(() => proxyDownstream.close());
    const proxy = await startSdkHttpServer(({ message }) => proxyDownstream.callTool({ name: 'echo', arguments: { message } }));
    closers.push(() => proxy.close());
    const decisions = plane.store.db.prepare("SELECT count(*) FROM audit_events WHERE kind = 'gateway.decision' AND decision = 'allow'").pluck();
    return {
      plane,
      close,
      auditedAllows: () => decisions.get(),
      clientConfig: { listenerUrl: listener.url, joinToken, agentId: AGENT, bareUrl: bare.url, proxyUrl: proxy.url, downstream, server: SERVER },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function runGateway({ rounds = 5, ms = 800 } = {}) {
  // Node prints a MaxListenersExceededWarning for every listener past the limit: record them all,
  // let Node's own handler print only the first of each kind.
  const warnings = [];
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (w) => {
    if (!warnings.some((x) => x.name === w.name)) for (const print of printers) print(w);
    warnings.push({ name: w.name, message: w.message, at: (w.stack ?? '').split('\n').slice(1, 9).map((l) => l.trim()) });
  };
  process.on('warning', onWarning);
  const servers = await startServers();
  try {
    const clients = await openClients(servers.clientConfig);
    let measured;
    try {
      measured = await measureClients(clients, { rounds, ms, concurrency: CONCURRENCY });
    } finally {
      await clients.close();
    }
    const { latency, throughput, gatewayCalls: calls, names } = measured;
    // Every call the gateway answered was decided and its record committed first: count them.
    const audited = servers.auditedAllows();

    const maxListeners = warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
    const g = latency.subjects.find((s) => s.name === names.gateway);
    const gRate = throughput.subjects.find((s) => s.name === names.gateway);
    const pass = { addedP50: g.addedP50Ms <= TARGETS.addedP50Ms, addedP99: g.addedP99Ms <= TARGETS.addedP99Ms, rate: gRate.medianRate >= TARGETS.gatewayMinRate };

    // Charon's own cost: the gateway against the plain SDK proxy to the same kind of stdio server, same rounds.
    const p = latency.subjects.find((x) => x.name === names.proxy);
    const pRate = throughput.subjects.find((x) => x.name === names.proxy);
    const checks = {
      addedP50Ms: median(g.rounds.map((r, i) => r.p50 - p.rounds[i].p50)),
      addedP99Ms: median(g.rounds.map((r, i) => r.p99 - p.rounds[i].p99)),
      rateRatio: median(gRate.rates.map((r, i) => r / pRate.rates[i])),
    };
    const f = (v) => `${v.toFixed(3)} ms`;
    console.log(`\ngateway: latency with 1 call in flight (median of ${rounds} rounds; added = minus direct stdio, same round)`);
    console.log(`  ${names.direct}: p50 ${f(latency.baseline.p50Ms)}, p99 ${f(latency.baseline.p99Ms)}, ${Math.round(latency.baseline.rate)}/s`);
    for (const s of latency.subjects) console.log(`  ${s.name}: p50 ${f(s.p50Ms)}, p99 ${f(s.p99Ms)}, ${Math.round(s.rate)}/s; added p50 ${f(s.addedP50Ms)}, p99 ${f(s.addedP99Ms)}`);
    console.log(`gateway: ${CONCURRENCY} in flight: direct ${Math.round(throughput.baseline.medianRate)}/s; ${throughput.subjects.map((s) => `${s.name} ${Math.round(s.medianRate)}/s (${s.medianRatio.toFixed(3)}×)`).join('; ')}`);
    console.log(`gateway: Charon's checks alone (gateway − SDK proxy, same rounds): p50 +${f(checks.addedP50Ms)}, p99 +${f(checks.addedP99Ms)}; ${CONCURRENCY} in flight ${checks.rateRatio.toFixed(2)}× the proxy's calls/s`);
    console.log(`gateway targets: added p50 ≤ ${TARGETS.addedP50Ms} ms ${pass.addedP50 ? 'ok' : 'MISSED'}; added p99 ≤ ${TARGETS.addedP99Ms} ms ${pass.addedP99 ? 'ok' : 'MISSED'}; ≥ ${TARGETS.gatewayMinRate} calls/s at ${CONCURRENCY} ${pass.rate ? 'ok' : 'MISSED'}`);
    console.log(`gateway: ${calls} calls answered through the gateway, ${audited} allow decisions in the audit chain; MaxListenersExceededWarning ${maxListeners.length ? `appeared ${maxListeners.length}× (first: ${maxListeners[0].message}; last: ${maxListeners.at(-1).message})` : 'did not appear'}`);
    if (maxListeners.length) console.log(`gateway: first MaxListenersExceededWarning raised ${maxListeners[0].at.join(' ← ')}`);
    if (audited < calls) throw new Error(`only ${audited} audited decisions for ${calls} gateway calls`);

    const latencyRows = latency.subjects.map((s) => {
      const isGateway = s.name === names.gateway;
      const ratios = s.rounds.map((r, i) => r.rate / latency.baseline.rounds[i].rate);
      return {
        group: 'gateway',
        subject: s.name,
        mode: 'sequential',
        baseline: names.direct,
        ratio: s.rate / latency.baseline.rate,
        ratioRange: [Math.min(...ratios), Math.max(...ratios)],
        rate: s.rate,
        baselineRate: latency.baseline.rate,
        rounds,
        target: isGateway ? { maxAddedP50Ms: TARGETS.addedP50Ms, maxAddedP99Ms: TARGETS.addedP99Ms } : null,
        pass: isGateway ? pass.addedP50 && pass.addedP99 : null,
        latency: { p50Ms: s.p50Ms, p99Ms: s.p99Ms, addedP50Ms: s.addedP50Ms, addedP99Ms: s.addedP99Ms, baselineP50Ms: latency.baseline.p50Ms, baselineP99Ms: latency.baseline.p99Ms },
        samples: { subject: s.rounds, baseline: latency.baseline.rounds },
      };
    });
    const rateRows = rowsOf('gateway', throughput, { [names.gateway]: { minRate: TARGETS.gatewayMinRate } });
    const notes = { checksVsProxy: checks, gatewayCalls: calls, auditedAllowDecisions: audited, maxListenersExceededWarnings: maxListeners.length, warnings: warnings.slice(0, 5) };
    return [...latencyRows, ...rateRows].map((r) => ({ ...r, notes }));
  } finally {
    process.off('warning', onWarning);
    for (const print of printers) process.on('warning', print);
    await servers.close();
  }
}
