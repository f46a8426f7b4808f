// The official MCP conformance suite (@modelcontextprotocol/conformance, server scenarios) against
// its own reference server, twice in the same run: directly (the baseline), then through the
// gateway at /mcp/<server> as an agent whose grant covers the server. Every scenario that passes
// directly must pass through Charon. The suite speaks no Charon: a loopback proxy adds the agent's
// Bearer credential to each request, as an MCP client configured with a token would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayHarness, type GatewayHarness } from '../test-support/gateway-harness.js';
import { modernRequest } from '../test-support/modern-client.js';
import { freePort } from '../test-support/free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const referenceServer = join(root, 'vendor/mcp-conformance/everything-server.ts');
const conformanceCli = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

let reference: ChildProcess;
let referenceUrl: string;
let h: GatewayHarness;
let proxy: Server;
let proxyUrl: string;
let agentToken: string;
const work = mkdtempSync(join(tmpdir(), 'charon-conformance-'));

/** A free loopback port (the reference server takes its port from PORT). */

async function startReference(): Promise<void> {
  const port = await freePort();
  reference = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', referenceServer], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the reference server did not start')), 20_000);
    reference.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('running on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    reference.once('exit', (code) => reject(new Error(`the reference server exited (${code})`)));
  });
  referenceUrl = `http://localhost:${port}/mcp`;
}

/** Forwards to the gateway's /mcp/conformance with the agent's credential; Host is rewritten only when it named the proxy. */
async function startProxy(token: string): Promise<void> {
  const gateway = new URL(h.url);
  proxy = createServer((req, res) => {
    const headers = { ...req.headers, authorization: `Bearer ${token}` };
    // A transparent front: a loopback name with the proxy's port becomes the same name with the
    // gateway's. The DNS-rebinding scenario's foreign Host and Origin reach the gateway as sent.
    const proxyPort = new URL(proxyUrl).port;
    const toGateway = (value: string) => value.replace(new RegExp(`^((?:https?://)?(?:localhost|127\\.0\\.0\\.1|\\[::1\\])):${proxyPort}$`), `$1:${gateway.port}`);
    if (req.headers.host) headers.host = toGateway(req.headers.host);
    if (typeof req.headers.origin === 'string') headers.origin = toGateway(req.headers.origin);
    const upstream = request({ host: gateway.hostname, port: gateway.port, method: req.method, path: '/mcp/conformance', headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`;
}

/** Runs every active server scenario against `url`; the scenarios whose checks all passed, and every outcome. */
async function runSuite(url: string, name: string): Promise<{ passed: Set<string>; outcomes: Record<string, string[]> }> {
  const out = join(work, name);
  const cli = spawn(process.execPath, [conformanceCli, 'server', '--url', url, '-o', out], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  cli.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  cli.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  await new Promise((resolve) => cli.once('exit', resolve));
  const outcomes: Record<string, string[]> = {};
  for (const dir of readdirSync(out)) {
    const scenario = dir.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT.*$/, '');
    const checks = JSON.parse(readFileSync(join(out, dir, 'checks.json'), 'utf8')) as { id: string; status: string; errorMessage?: string }[];
    outcomes[scenario] = checks.filter((c) => c.status !== 'SUCCESS' && c.status !== 'INFO').map((c) => `${c.id}: ${c.status} ${c.errorMessage ?? ''}`.trim());
  }
  if (Object.keys(outcomes).length === 0) throw new Error(`the conformance suite produced no results:\n${log}`);
  return { passed: new Set(Object.entries(outcomes).filter(([, failed]) => failed.length === 0).map(([s]) => s)), outcomes };
}

beforeAll(async () => {
  await startReference();
  h = await openGatewayHarness({ servers: [] });
  await h.plane.handlers['servers.set']({ name: 'conformance', config: { url: referenceUrl, headers: {} } });
  await h.activeAgent('conformance-client');
  const tools = await h.plane.downstream.listTools('conformance');
  const prompts = await h.plane.downstream.listPrompts('conformance');
  await h.grant({
    agentId: 'conformance-client',
    environment: 'dev',
    servers: { conformance: { tools: Object.fromEntries(tools.map((t) => [t.name, {}])), resources: ['test://*'], prompts: prompts.map((p) => p.name) } },
  });
  const { token } = await h.issue('conformance-client', { audience: `${h.url}/mcp/conformance`, ttlSeconds: 3600 });
  agentToken = token;
  await startProxy(token);
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  await h?.close();
  reference?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('MCP conformance suite (server scenarios)', () => {
  it('every scenario that passes against the reference server directly passes through the gateway', { timeout: 180_000 }, async () => {
    const direct = await runSuite(referenceUrl, 'direct');
    // A baseline that passes nothing would prove nothing.
    expect(direct.passed.size).toBeGreaterThanOrEqual(25);
    const through = await runSuite(proxyUrl, 'gateway');
    const lost = [...direct.passed].filter((s) => !through.passed.has(s));
    expect(lost.map((s) => `${s}: ${(through.outcomes[s] ?? ['did not run']).join('; ')}`)).toEqual([]);
    // Every call the suite made through the gateway was decided and recorded.
    expect((await h.decisions()).length).toBeGreaterThan(10);
  });
});

describe('the 2026-07-28 revision in front of a 2025 server', () => {
  it('log messages of a call reach a modern client on that call’s stream only when its _meta asked for a level, and at or above it', async () => {
    const logging = { name: 'test_tool_with_logging', arguments: {} };
    const quiet = await modernRequest(h.url, 'tools/call', logging, { token: agentToken, path: '/mcp/conformance' });
    expect(quiet.body.result).toMatchObject({ resultType: 'complete' });
    expect(quiet.notifications).toEqual([]);
    const chatty = await modernRequest(h.url, 'tools/call', logging, { token: agentToken, path: '/mcp/conformance', logLevel: 'info' });
    expect(chatty.notifications.map((n) => [n.method, n.params.data])).toEqual([
      ['notifications/message', 'Tool execution started'],
      ['notifications/message', 'Tool processing data'],
      ['notifications/message', 'Tool execution completed'],
    ]);
    const above = await modernRequest(h.url, 'tools/call', logging, { token: agentToken, path: '/mcp/conformance', logLevel: 'warning' });
    expect(above.notifications).toEqual([]);
  });
});
