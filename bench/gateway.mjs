// What the MCP gateway costs an agent: the SAME stdio downstream server (server-everything's
// `echo`) called directly with the SDK client over stdio, and through the gateway with every
// check (DPoP-bound prod token and a fresh proof per request, Cedar decision, envelope admission,
// the decision's audit record committed) over Streamable HTTP on 127.0.0.1. Two references show
// where the cost lies: the bare SDK Streamable HTTP round trip (an SDK McpServer answering echo
// itself, no Charon), and a plain SDK proxy (HTTP in, the same stdio server out, no checks). A
// proxy people install from npm instead of Charon, supergateway (stdio exposed as stateful
// Streamable HTTP, its own process), is the reference row a user would compare with.
// The floor (lib/mandated-floor.mjs) does only what every call on Charon's path must do, the
// cheapest way, with no Charon code: how far the targets are from what the protocol allows.
// Servers and clients share this process and its event loop (on 2 cores, a worker thread or a
// second process for the clients measured slower: the stdio children need the other core); each
// stdio client has its own child server (the gateway's, the direct client's, the proxy's).
// The gateway's agent is what a TypeScript agent or `charon connect` uses: the SDK Client over
// CharonAgent.mcpTransport (Charon's own Streamable HTTP client transport on node:http); the
// references use the SDK's transports on both sides, as shipped. The gateway is also called with
// the SDK's client transport, as the proxy is: the difference is Charon's checks alone.
import { approvedGrant } from './lib/passkey.mjs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { benchRoot } from './lib/plane.mjs';
import { openClients, measureClients } from './lib/gateway-agent.mjs';
import { startMandatedFloor } from './lib/mandated-floor.mjs';
import { median } from './lib/measure.mjs';
import { rowsOf } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const everything = join(require.resolve('@modelcontextprotocol/server-everything/package.json'), '..', 'dist', 'index.js');
export const downstream = { command: process.execPath, args: [everything, 'stdio'] };

const AGENT = 'bench-gateway-agent';
const SERVER = 'everything';
const CONCURRENCY = 16;
/** Issue 16's targets, each against the plain SDK proxy of the same run. */
const TARGETS = { rateVsProxy: 2, addedP50VsProxy: 0.5, checksP50Ms: 0.25 };
const supergatewayMain = join(require.resolve('supergateway/package.json'), '..', 'dist', 'index.js');

/** supergateway exposing the same stdio server as stateful Streamable HTTP, in its own process, on a free port. */
async function startSupergateway() {
  const free = createServer();
  await new Promise((resolve) => free.listen(0, '127.0.0.1', resolve));
  const port = free.address().port;
  await new Promise((resolve) => free.close(resolve));
  const quote = (arg) => `'${arg.replaceAll("'", "'\\''")}'`;
  const child = spawn(process.execPath, [supergatewayMain, '--stdio', `${quote(downstream.command)} ${downstream.args.map(quote).join(' ')}`, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(port), '--logLevel', 'none'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Ready when it accepts connections (it prints nothing with --logLevel none).
  for (let attempt = 0; ; attempt++) {
    const open = await new Promise((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1', () => resolve(socket.end() && true)).once('error', () => resolve(false));
    });
    if (open) break;
    if (attempt > 200 || child.exitCode !== null) throw new Error(`supergateway did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

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
    const supergateway = await startSupergateway();
    closers.push(() => supergateway.close());
    const floor = await startMandatedFloor({ downstream, root: benchRoot });
    closers.push(() => floor.close());
    const decisions = plane.store.db.prepare("SELECT count(*) FROM audit_events WHERE kind = 'gateway.decision' AND decision = 'allow'").pluck();
    return {
      plane,
      close,
      auditedAllows: () => decisions.get(),
      floorClient: floor.client,
      clientConfig: { listenerUrl: listener.url, joinToken, agentId: AGENT, bareUrl: bare.url, proxyUrl: proxy.url, supergatewayUrl: supergateway.url, downstream, server: SERVER },
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
    const clients = await openClients(servers.clientConfig, servers.floorClient);
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
    const lat = (key) => latency.subjects.find((x) => x.name === names[key]);
    const thr = (key) => throughput.subjects.find((x) => x.name === names[key]);
    const g = lat('gateway');
    const p = lat('proxy');
    const sg = lat('sdkGateway');
    // Each figure per round against the proxy of the same round; the median of rounds.
    const perRound = (f) => median(g.rounds.map((_, i) => f(i)));
    const figures = {
      rateVsProxy: median(thr('gateway').rates.map((r, i) => r / thr('proxy').rates[i])),
      addedP50VsProxy: perRound((i) => (g.rounds[i].p50 - latency.baseline.rounds[i].p50) / (p.rounds[i].p50 - latency.baseline.rounds[i].p50)),
      checksP50Ms: perRound((i) => sg.rounds[i].p50 - p.rounds[i].p50),
      checksP99Ms: perRound((i) => sg.rounds[i].p99 - p.rounds[i].p99),
      checksRateVsProxy: median(thr('sdkGateway').rates.map((r, i) => r / thr('proxy').rates[i])),
      floorRateVsProxy: median(thr('floor').rates.map((r, i) => r / thr('proxy').rates[i])),
      floorAddedP50VsProxy: perRound((i) => (lat('floor').rounds[i].p50 - latency.baseline.rounds[i].p50) / (p.rounds[i].p50 - latency.baseline.rounds[i].p50)),
    };
    const pass = { rate: figures.rateVsProxy >= TARGETS.rateVsProxy, latency: figures.addedP50VsProxy <= TARGETS.addedP50VsProxy, checks: figures.checksP50Ms <= TARGETS.checksP50Ms };
    const f = (v) => `${v.toFixed(3)} ms`;
    console.log(`\ngateway: latency with 1 call in flight (median of ${rounds} rounds; added = minus direct stdio, same round)`);
    console.log(`  ${names.direct}: p50 ${f(latency.baseline.p50Ms)}, p99 ${f(latency.baseline.p99Ms)}, ${Math.round(latency.baseline.rate)}/s`);
    for (const s of latency.subjects) console.log(`  ${s.name}: p50 ${f(s.p50Ms)}, p99 ${f(s.p99Ms)}, ${Math.round(s.rate)}/s; added p50 ${f(s.addedP50Ms)}, p99 ${f(s.addedP99Ms)}`);
    console.log(`gateway: ${CONCURRENCY} in flight: direct ${Math.round(throughput.baseline.medianRate)}/s; ${throughput.subjects.map((s) => `${s.name} ${Math.round(s.medianRate)}/s (${s.medianRatio.toFixed(3)}×)`).join('; ')}`);
    console.log(`gateway targets against the SDK proxy of the same rounds:`);
    console.log(`  Charon's path ${CONCURRENCY} in flight: ${figures.rateVsProxy.toFixed(2)}× the proxy's calls/s (target ≥ ${TARGETS.rateVsProxy}×) ${pass.rate ? 'ok' : 'MISSED'}`);
    console.log(`  Charon's path added p50: ${figures.addedP50VsProxy.toFixed(2)}× the proxy's (target ≤ ${TARGETS.addedP50VsProxy}×) ${pass.latency ? 'ok' : 'MISSED'}`);
    console.log(`  Charon's checks alone (gateway − proxy, both with the SDK client transport): p50 +${f(figures.checksP50Ms)} (target ≤ +${TARGETS.checksP50Ms} ms) ${pass.checks ? 'ok' : 'MISSED'}; p99 +${f(figures.checksP99Ms)}; ${CONCURRENCY} in flight ${figures.checksRateVsProxy.toFixed(2)}× the proxy's calls/s`);
    console.log(`  the floor (the mandated steps alone, no Charon code): ${figures.floorRateVsProxy.toFixed(2)}× the proxy's calls/s, added p50 ${figures.floorAddedP50VsProxy.toFixed(2)}× the proxy's`);
    console.log(`gateway: ${calls} calls answered through the gateway, ${audited} allow decisions in the audit chain; MaxListenersExceededWarning ${maxListeners.length ? `appeared ${maxListeners.length}× (first: ${maxListeners[0].message}; last: ${maxListeners.at(-1).message})` : 'did not appear'}`);
    if (maxListeners.length) console.log(`gateway: first MaxListenersExceededWarning raised ${maxListeners[0].at.join(' ← ')}`);
    if (audited < calls) throw new Error(`only ${audited} audited decisions for ${calls} gateway calls`);

    const latencyRows = latency.subjects.map((s) => {
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
        target: null,
        pass: null,
        latency: { p50Ms: s.p50Ms, p99Ms: s.p99Ms, addedP50Ms: s.addedP50Ms, addedP99Ms: s.addedP99Ms, baselineP50Ms: latency.baseline.p50Ms, baselineP99Ms: latency.baseline.p99Ms },
        samples: { subject: s.rounds, baseline: latency.baseline.rounds },
      };
    });
    const rateRows = rowsOf('gateway', throughput);
    // The targets, as rows of their own: each a ratio against the SDK proxy of the same rounds.
    const proxyName = names.proxy;
    const targetRow = (subject, mode, ratio, target, ok, extra = {}) => ({ group: 'gateway', subject, mode, baseline: proxyName, ratio, ratioRange: [ratio, ratio], rate: null, baselineRate: null, rounds, target, pass: ok, ...extra });
    const targetRows = [
      targetRow("Charon's path, calls/s", `concurrent ${CONCURRENCY}`, figures.rateVsProxy, { minRatio: TARGETS.rateVsProxy }, pass.rate, { rate: thr('gateway').medianRate, baselineRate: thr('proxy').medianRate }),
      targetRow("Charon's path, added p50", 'sequential', figures.addedP50VsProxy, { maxRatio: TARGETS.addedP50VsProxy }, pass.latency),
      targetRow("Charon's checks alone, p50 (SDK client)", 'sequential', sg.p50Ms / p.p50Ms, { maxAddedP50Ms: TARGETS.checksP50Ms }, pass.checks, { addedMs: figures.checksP50Ms }),
    ];
    const notes = { vsProxy: figures, gatewayCalls: calls, auditedAllowDecisions: audited, maxListenersExceededWarnings: maxListeners.length, warnings: warnings.slice(0, 5) };
    return [...latencyRows, ...rateRows, ...targetRows].map((r) => ({ ...r, notes }));
  } finally {
    process.off('warning', onWarning);
    for (const print of printers) process.on('warning', print);
    await servers.close();
  }
}
