// The gateway end to end with the official MCP SDK client, through CharonAgent (attested over
// HTTP, DPoP-bound), against real servers from npm: server-filesystem, server-everything,
// server-memory. Lists show only what is granted; every decided call is audited before its effect.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.js';
import { MCP_HEADERS, openGatewayHarness, rawRequest, refusalOf, textOf, type DpopKey, type GatewayHarness, type TestAgent } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let agent: TestAgent;
let all: Client;
let grantId: string;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['files', 'everything', 'memory'] });
  agent = await h.agent('flow');
  const grant = await h.grant({
    agentId: 'flow',
    environment: 'dev',
    servers: {
      files: { tools: { read_text_file: { args: { path: { path: { roots: [h.root] } } } }, write_file: { args: { path: { path: { roots: [h.root] } } } } } },
      everything: {
        tools: { echo: {}, 'trigger-long-running-operation': {}, 'trigger-sampling-request': {} },
        resources: ['demo://resource/static/document/architecture.md', 'demo://resource/static/document/f*'],
        prompts: ['simple-prompt'],
      },
      memory: { tools: { create_entities: {}, read_graph: {} } },
    },
  });
  grantId = grant.id;
  all = await agent.connect('/mcp');
}, 30_000);

afterAll(async () => {
  await all?.close();
  await h?.close();
});

describe('happy path on /mcp (all servers, server__tool names)', () => {
  it('initialize answers as the Charon gateway, and tools/list shows exactly the granted tools', async () => {
    expect(all.getServerVersion()?.name).toBe('charon-gateway');
    const { tools } = await all.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['everything__echo', 'everything__trigger-long-running-operation', 'everything__trigger-sampling-request', 'files__read_text_file', 'files__write_file', 'memory__create_entities', 'memory__read_graph'].sort(),
    );
    // The downstream's own schema travels with the tool.
    expect(tools.find((t) => t.name === 'files__read_text_file')?.inputSchema.properties).toHaveProperty('path');
  });

  it('a granted call works: reads a file inside the root through server-filesystem', async () => {
    const result = await all.callTool({ name: 'files__read_text_file', arguments: { path: join(h.root, 'hello.txt') } });
    expect(result.isError ?? false).toBe(false);
    expect(textOf(result)).toBe('hello from inside the root\n');
  });

  it('a granted call works: a relative path is taken inside the root', async () => {
    const result = await all.callTool({ name: 'files__read_text_file', arguments: { path: 'hello.txt' } });
    expect(textOf(result)).toBe('hello from inside the root\n');
  });

  it('server-memory: an entity written through the gateway is read back through it', async () => {
    await all.callTool({ name: 'memory__create_entities', arguments: { entities: [{ name: 'Charon', entityType: 'ferryman', observations: ['guards the gateway'] }] } });
    const graph = await all.callTool({ name: 'memory__read_graph', arguments: {} });
    expect(textOf(graph)).toContain('guards the gateway');
  });

  it('hidden tool called by name (listed by the server, not granted) is refused: 403 ERR_TOOL_NOT_ALLOWED', async () => {
    const refused = await refusalOf(all.callTool({ name: 'everything__get-env', arguments: {} }));
    expect(refused).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
  });

  it('hidden tool on the wire: the 403 carries WWW-Authenticate insufficient_scope and the request id', async () => {
    const transport = agent.client.mcpTransport('/mcp');
    const client = await h.connect(transport);
    const res = await rawRequest(`${h.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `DPoP ${await agent.token()}`, dpop: await (agent.key as DpopKey).proof('POST', `${h.url}/mcp`, { accessToken: await agent.token(), now: h.clock.now() }), 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'hidden-1', method: 'tools/call', params: { name: 'everything__get-env', arguments: {} } }),
    });
    expect(res).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 'hidden-1', error: { code: -32003 } });
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="mcp"');
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${h.url}/.well-known/oauth-protected-resource/mcp"`);
    await client.close();
  });

  it('malformed params on the wire: HTTP 200 with a JSON-RPC Invalid params error (-32602), no insufficient_scope challenge; recorded as a denial', async () => {
    const transport = agent.client.mcpTransport('/mcp');
    const client = await h.connect(transport);
    const before = await h.headSeq();
    const post = async (id: string, params: unknown) =>
      rawRequest(`${h.url}/mcp`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, authorization: `DPoP ${await agent.token()}`, dpop: await (agent.key as DpopKey).proof('POST', `${h.url}/mcp`, { accessToken: await agent.token(), now: h.clock.now() }), 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params }),
      });
    for (const [id, params] of [
      ['no-name', { arguments: {} }],
      ['args-array', { name: 'files__read_text_file', arguments: ['x'] }],
      ['nul-path', { name: 'files__read_text_file', arguments: { path: 'hello.txt\u0000' } }],
    ] as const) {
      const res = await post(id, params);
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id, error: { code: -32602 } });
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    expect((await h.decisions(before)).map((r) => r.decision)).toEqual(['deny', 'deny', 'deny']);
    await client.close();
  });

  it('tool of an unknown server, or without a prefix, is refused like an ungranted one', async () => {
    expect(await refusalOf(all.callTool({ name: 'nosuch__echo', arguments: {} }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect(await refusalOf(all.callTool({ name: 'echo', arguments: {} }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
  });

  it('the session survives a refusal: the next granted call still works', async () => {
    const result = await all.callTool({ name: 'everything__echo', arguments: { message: 'still here' } });
    expect(textOf(result)).toContain('still here');
  });
});

describe('/mcp/<server> (one server, its own tool names)', () => {
  it('lists and calls with plain names; the hidden tool by plain name is refused', async () => {
    const one = await agent.connect('/mcp/everything');
    try {
      expect((await one.listTools()).tools.map((t) => t.name).sort()).toEqual(['echo', 'trigger-long-running-operation', 'trigger-sampling-request']);
      expect(textOf(await one.callTool({ name: 'echo', arguments: { message: 'plain' } }))).toContain('plain');
      expect(await refusalOf(one.callTool({ name: 'get-env', arguments: {} }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
      // The prefixed name means nothing on a one-server path.
      expect(await refusalOf(one.callTool({ name: 'everything__echo', arguments: { message: 'x' } }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    } finally {
      await one.close();
    }
  });

  it('a server with no grant lists nothing, and a server that does not exist is 404', async () => {
    await h.plane.handlers['servers.set']({ name: 'other', config: { command: process.execPath, args: ['-e', 'process.exit(1)'], env: {} } });
    const other = await agent.connect('/mcp/other');
    try {
      expect((await other.listTools()).tools).toEqual([]);
    } finally {
      await other.close();
      await h.plane.handlers['servers.remove']({ name: 'other' });
    }
    expect(await refusalOf(agent.connect('/mcp/nosuch'))).toMatchObject({ status: 404, code: 'ERR_NOT_FOUND' });
  });
});

describe('resources and prompts are decided and filtered', () => {
  it('resources/list shows only granted URIs; a granted read works; another URI is refused', async () => {
    const { resources } = await all.listResources();
    const downstream = (await h.plane.downstream.listResources('everything')).map((r) => r.uri);
    const granted = downstream.filter((u) => u === 'demo://resource/static/document/architecture.md' || u.startsWith('demo://resource/static/document/f'));
    expect(granted.length).toBeGreaterThanOrEqual(2);
    expect(downstream.length).toBeGreaterThan(granted.length);
    expect(resources.map((r) => r.uri).sort()).toEqual(granted.sort());

    const first = resources[0]?.uri as string;
    const read = await all.readResource({ uri: first });
    expect(read.contents[0]?.uri).toBe(first);

    expect(await refusalOf(all.readResource({ uri: 'demo://resource/dynamic/text/1' }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    // Listed by the server, not granted: refused by URI.
    expect(await refusalOf(all.readResource({ uri: 'demo://resource/static/document/how-it-works.md' }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect(await refusalOf(all.readResource({ uri: 'file:///etc/passwd' }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
  });

  it('resource URI traversal (dot segments the downstream URL parser removes) cannot reach an ungranted resource', async () => {
    for (const uri of ['demo://resource/static/document/f/../../../dynamic/text/1', 'demo://resource/static/document/architecture.md/../how-it-works.md']) {
      const outcome = await all.readResource({ uri }).then(
        (r) => ({ read: r.contents.map((c) => c.uri) }),
        async (e: unknown) => refusalOf(Promise.reject(e)),
      );
      expect({ uri, outcome }).toMatchObject({ uri, outcome: { status: 403, code: 'ERR_TOOL_NOT_ALLOWED' } });
    }
    // Dot segments that stay on a granted resource are fine: decided, recorded and forwarded as the normalized URI.
    const before = await h.headSeq();
    const read = await all.readResource({ uri: 'demo://resource/static/document/x/../architecture.md' });
    expect(read.contents[0]?.uri).toBe('demo://resource/static/document/architecture.md');
    expect((await h.decisions(before))[0]).toMatchObject({ decision: 'allow', subject: 'everything:demo://resource/static/document/architecture.md' });
    expect(await refusalOf(all.readResource({ uri: 'not a uri' }))).toMatchObject({ status: 200, jsonRpc: -32602, code: 'ERR_INVALID_INPUT' });
  });

  // The grant's glob `demo://resource/static/document/f*` is matched on the URI as written after
  // URL parsing, which keeps "%2f": a downstream that decodes it afterwards would read another path.
  it('resource URI with %2f dot segments escapes the glob: refused ERR_INVALID_INPUT, nothing forwarded', async () => {
    for (const uri of [
      'demo://resource/static/document/f..%2f..%2f..%2fdynamic%2ftext%2f1',
      'demo://resource/static/document/f..%2F..%2F..%2Fdynamic/text/1',
      'demo://resource/static/document/f%2e%2e/../../../dynamic/text/1',
      'demo://resource/static/document/f/%2e%2e/%2E%2E/%2e%2e/dynamic/text/1',
      'demo://resource/static/document/f..%5c..%5cdynamic',
    ]) {
      const before = await h.headSeq();
      expect({ uri, outcome: await refusalOf(all.readResource({ uri })) }).toMatchObject({ uri, outcome: { status: 200, jsonRpc: -32602, code: 'ERR_INVALID_INPUT' } });
      expect((await h.decisions(before)).map((d) => d.decision)).toEqual(['deny']);
    }
  });

  it('double-encoded resource URI escapes the glob: refused ERR_INVALID_INPUT', async () => {
    for (const uri of ['demo://resource/static/document/f..%252f..%252fdynamic%252ftext%252f1', 'demo://resource/static/document/f%252e%252e/x']) {
      expect(await refusalOf(all.readResource({ uri }))).toMatchObject({ status: 200, jsonRpc: -32602, code: 'ERR_INVALID_INPUT' });
    }
  });

  it('a grant whose resource glob holds an encoded separator or a dot segment is refused when created', async () => {
    for (const glob of ['demo://resource/static/document/%2f*', 'demo://resource/static/../dynamic/*', 'demo:a\\b*']) {
      await expect(h.grant({ agentId: 'flow', environment: 'dev', servers: { everything: { resources: [glob] } } })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    }
  });

  it('prompts/list shows only the granted prompt (prefixed on /mcp); get works; another prompt is refused', async () => {
    const { prompts } = await all.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['everything__simple-prompt']);
    const prompt = await all.getPrompt({ name: 'everything__simple-prompt' });
    expect(prompt.messages.length).toBeGreaterThan(0);
    expect(await refusalOf(all.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Paris' } }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
  });
});

describe('MCP keeps working through the gateway', () => {
  it('progress notifications from server-everything reach the agent before the result', async () => {
    const progress: [number, number | undefined][] = [];
    const result = await all.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } }, undefined, {
      onprogress: (p) => progress.push([p.progress, p.total]),
    });
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(textOf(result)).toContain('Long running operation completed');
  });

  it('cancellation: an aborted call rejects at the agent, and the session goes on', async () => {
    const controller = new AbortController();
    const call = all.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 5, steps: 5 } }, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('agent changed its mind')), 200);
    await expect(call).rejects.toThrow('agent changed its mind');
    expect(textOf(await all.callTool({ name: 'everything__echo', arguments: { message: 'after cancel' } }))).toContain('after cancel');
  });

  it('a sampling request from the downstream to an agent client without the sampling capability ends the call with a clear error, not a hang', async () => {
    const started = Date.now();
    const outcome = await all.callTool({ name: 'everything__trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 5 } }).then(
      (r) => JSON.stringify(r),
      (e: unknown) => String(e),
    );
    expect(outcome).toContain('did not declare the sampling capability');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a downstream crash mid-call returns an MCP error (no hang), and the next call succeeds after the restart', async () => {
    const pid = h.plane.downstream.pidOf('everything');
    expect(pid).not.toBeNull();
    const started = Date.now();
    const call = all.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 10, steps: 10 } }, undefined, { timeout: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(pid as number, 'SIGKILL');
    const refused = await refusalOf(call);
    expect(refused.code).toBe('ERR_DOWNSTREAM_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(5000);

    const after = await all.callTool({ name: 'everything__echo', arguments: { message: 'back' } });
    expect(textOf(after)).toContain('back');
    expect(h.plane.downstream.pidOf('everything')).not.toBe(pid);
  }, 20_000);
});

describe('audit: every decision is in the chain before its effect, without argument values in clear', () => {
  it('the allow record of a write is committed before the file exists; its details hold only normalized constrained values and a digest', async () => {
    const target = join(h.root, 'written.txt');
    const secret = 'sk_live_do-not-store-me-4242';
    let fileExistedAtDecision: boolean | null = null;
    const off = h.plane.audit.onAppend((record) => {
      if (record.kind === 'gateway.decision' && record.subject === 'files__write_file') fileExistedAtDecision = existsSync(target);
    });
    const before = await h.headSeq();
    try {
      await all.callTool({ name: 'files__write_file', arguments: { path: 'written.txt', content: secret } });
    } finally {
      off();
    }
    expect(fileExistedAtDecision).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe(secret);

    const [record] = await h.decisions(before);
    expect(record).toMatchObject({ kind: 'gateway.decision', subject: 'files__write_file', decision: 'allow', actor: 'spiffe://charon.local/agent/flow' });
    expect(record?.details).toMatchObject({ method: 'tools/call', rule: 'policy', grantIds: [grantId], constrained: { path: target } });
    expect(record?.details.argsDigest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Keyed: not the plain hash of the arguments, which a guess of the secret would reproduce.
    const plain = createHash('sha256').update(canonicalJson({ path: 'written.txt', content: secret })).digest('base64url');
    expect(record?.details.argsDigest).not.toBe(plain);
    expect(JSON.stringify(record)).not.toContain(secret);
  });

  it('a denial is recorded with its code and rule, before the refusal reaches the agent', async () => {
    const before = await h.headSeq();
    await refusalOf(all.callTool({ name: 'everything__get-env', arguments: { token: 'hunter2-secret' } }));
    const [record] = await h.decisions(before);
    expect(record).toMatchObject({ subject: 'everything__get-env', decision: 'deny', details: { method: 'tools/call', rule: 'policy', code: 'ERR_TOOL_NOT_ALLOWED' } });
    expect(JSON.stringify(record)).not.toContain('hunter2-secret');
  });

  it('resource reads and prompt gets are recorded too (allow and deny)', async () => {
    const before = await h.headSeq();
    const { resources } = await all.listResources();
    await all.readResource({ uri: resources[0]?.uri as string });
    await refusalOf(all.readResource({ uri: 'demo://resource/dynamic/text/2' }));
    await all.getPrompt({ name: 'everything__simple-prompt' });
    await refusalOf(all.getPrompt({ name: 'everything__args-prompt' }));
    const records = await h.decisions(before);
    expect(records.map((r) => [r.details.method, r.decision])).toEqual([
      ['resources/read', 'allow'],
      ['resources/read', 'deny'],
      ['prompts/get', 'allow'],
      ['prompts/get', 'deny'],
    ]);
  });

  it('lists are not decisions: tools/list adds nothing to the chain', async () => {
    const before = await h.headSeq();
    await all.listTools();
    expect(await h.decisions(before)).toEqual([]);
  });

  it('the whole chain verifies', async () => {
    const verify = await h.plane.handlers['audit.verify']({});
    expect(verify).toMatchObject({ ok: true, firstBad: null });
    expect((await h.decisions()).length).toBeGreaterThan(10);
  });
});
