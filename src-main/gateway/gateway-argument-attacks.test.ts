// Argument constraints against real downstreams: path confinement through server-filesystem (which
// itself may reach the whole temp dir, so only the gateway keeps the agent inside its root), and
// amounts through a charge fixture that records every call it actually receives.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_HEADERS, openGatewayHarness, rawRequest, refusalOf, textOf, type GatewayHarness } from '../test-support/gateway-harness.js';

let h: GatewayHarness;
let client: Client;
let secretPath: string;
let sibling: string;

beforeAll(async () => {
  h = await openGatewayHarness({ servers: ['files', 'pay'] });
  secretPath = join(h.outside, 'secret.txt');
  // Links inside the root that lead out of it, and a sibling whose name starts like the root.
  symlinkSync(h.outside, join(h.root, 'door'));
  symlinkSync(secretPath, join(h.root, 'secret-link.txt'));
  symlinkSync(join(h.outside, 'created-through-link.txt'), join(h.root, 'dangling.txt'));
  sibling = `${h.root}-evil`;
  mkdirSync(sibling);
  writeFileSync(join(sibling, 'secret.txt'), 'TOP SECRET in a sibling\n');
  mkdirSync(join(h.root, 'sub'));

  await h.activeAgent('args');
  const roots = [h.root];
  await h.grant({
    agentId: 'args',
    environment: 'dev',
    servers: {
      files: { tools: { read_text_file: { args: { path: { path: { roots } } } }, write_file: { args: { path: { path: { roots } } } } } },
      pay: { tools: { charge: { args: { amount: { amount: { max: '100.00' } } } } } },
    },
  });
  const { token } = await h.issue('args');
  client = await h.connect(h.bearerTransport(token));
}, 30_000);

afterAll(async () => {
  await client?.close();
  await h?.close();
});

const read = (path: unknown) => client.callTool({ name: 'files__read_text_file', arguments: { path } });
const write = (path: unknown, content = 'pwned') => client.callTool({ name: 'files__write_file', arguments: { path, content } });
const charge = (amount: unknown) => client.callTool({ name: 'pay__charge', arguments: { amount } });

describe('path confinement: reads that try to leave the root (server-filesystem could reach the file)', () => {
  // Each variant names `secret.txt` outside the root (or an equivalent) in its own way.
  const escapes: [string, () => string, string][] = [
    ['relative ../ traversal', () => '../outside/secret.txt', 'ERR_PATH_OUTSIDE_ROOT'],
    ['absolute path outside the root', () => secretPath, 'ERR_PATH_OUTSIDE_ROOT'],
    ['root/../ traversal', () => `${h.root}/../outside/secret.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['deep ../ traversal to /etc/passwd', () => `${h.root}/sub/../../../../../../etc/passwd`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['percent-encoded dots %2e%2e', () => `${h.root}/%2e%2e/outside/secret.txt`, 'ERR_ARGUMENT_INVALID'],
    ['percent-encoded slash ..%2f', () => `${h.root}/..%2foutside%2fsecret.txt`, 'ERR_ARGUMENT_INVALID'],
    ['double-encoded %252e%252e', () => `${h.root}/%252e%252e/outside/secret.txt`, 'ERR_ARGUMENT_INVALID'],
    ['NUL byte truncation', () => `${h.root}/hello.txt\u0000/../../outside/secret.txt`, 'ERR_ARGUMENT_INVALID'],
    ['symlinked directory inside the root pointing out', () => `${h.root}/door/secret.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['symlinked file inside the root pointing out', () => `${h.root}/secret-link.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['backslash traversal ..\\', () => '..\\outside\\secret.txt', 'ERR_ARGUMENT_INVALID'],
    ['Windows drive letter', () => 'C:\\Windows\\win.ini', 'ERR_ARGUMENT_INVALID'],
    ['UNC path', () => '\\\\evil-host\\share\\secret.txt', 'ERR_ARGUMENT_INVALID'],
    ['fullwidth full stops (Unicode look-alike of ..)', () => `${h.root}/\uff0e\uff0e/outside/secret.txt`, 'ERR_ARGUMENT_INVALID'],
    ['two-dot leader (Unicode look-alike of ..)', () => `${h.root}/\u2025/outside/secret.txt`, 'ERR_ARGUMENT_INVALID'],
    ['sibling directory sharing the root as a name prefix', () => `${sibling}/secret.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['file:// URL', () => `file://${secretPath}`, 'ERR_ARGUMENT_INVALID'],
    ['home directory ~ expansion', () => '~/.ssh/id_rsa', 'ERR_ARGUMENT_INVALID'],
    ['edge whitespace (the server trims it)', () => ` ${secretPath}`, 'ERR_ARGUMENT_INVALID'],
    ['surrounding quotes (the server strips them)', () => `"${secretPath}"`, 'ERR_ARGUMENT_INVALID'],
  ];

  for (const [attack, path, code] of escapes) {
    // A path that does not normalize is bad input (JSON-RPC Invalid params); a clean one outside the root lacks authority (403).
    const expected = code === 'ERR_ARGUMENT_INVALID' ? { status: 200, code, jsonRpc: -32602 } : { status: 403, code };
    it(`path escape, ${attack}: ${code === 'ERR_ARGUMENT_INVALID' ? 'Invalid params' : '403'} ${code}`, async () => {
      const refused = await refusalOf(read(path()));
      expect(refused).toMatchObject(expected);
      expect(refused.message).not.toContain('TOP SECRET');
    });
  }

  it('path escape with a non-string path (array, object, number): JSON-RPC Invalid params ERR_ARGUMENT_INVALID', async () => {
    for (const path of [[secretPath], { toString: secretPath }, 42]) {
      expect(await refusalOf(read(path))).toMatchObject({ status: 200, jsonRpc: -32602, code: 'ERR_ARGUMENT_INVALID' });
    }
  });

  it('path argument missing altogether: 403 ERR_TOOL_NOT_ALLOWED (a constrained argument must be present)', async () => {
    expect(await refusalOf(client.callTool({ name: 'files__read_text_file', arguments: {} }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
  });

  it('path smuggled under __proto__ (so a naive lookup finds it, an own-property check does not): refused, nothing read', async () => {
    const args = JSON.parse(`{"__proto__": {"path": ${JSON.stringify(secretPath)}}}`) as Record<string, unknown>;
    const refused = await refusalOf(client.callTool({ name: 'files__read_text_file', arguments: args }));
    expect(refused).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect(refused.message).not.toContain('TOP SECRET');
  });

  it('a path with .. that stays inside is allowed and forwarded normalized', async () => {
    const before = await h.headSeq();
    expect(textOf(await read(`${h.root}/sub/../hello.txt`))).toBe('hello from inside the root\n');
    const [record] = await h.decisions(before);
    expect(record?.details.constrained).toEqual({ path: join(h.root, 'hello.txt') });
  });
});

describe('path confinement: writes that try to leave the root', () => {
  const writes: [string, () => string, string][] = [
    ['write through ../', () => `${h.root}/../outside/pwned.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['write through a symlinked directory', () => `${h.root}/door/pwned.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['write through a dangling symlink whose target is outside', () => `${h.root}/dangling.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
    ['overwrite the secret by absolute path', () => secretPath, 'ERR_PATH_OUTSIDE_ROOT'],
    ['write into the prefix-sharing sibling', () => `${sibling}/pwned.txt`, 'ERR_PATH_OUTSIDE_ROOT'],
  ];
  for (const [attack, path, code] of writes) {
    it(`path escape, ${attack}: 403 ${code}`, async () => {
      expect(await refusalOf(write(path()))).toMatchObject({ status: 403, code });
    });
  }

  it('a write inside the root works', async () => {
    await write(`${h.root}/sub/ok.txt`, 'fine');
    expect(readFileSync(join(h.root, 'sub', 'ok.txt'), 'utf8')).toBe('fine');
  });

  it('nothing outside the root was read or written, and every escape was a recorded denial', async () => {
    expect(readdirSync(h.outside).sort()).toEqual(['secret.txt']);
    expect(readFileSync(secretPath, 'utf8')).toBe('TOP SECRET outside the root\n');
    expect(readdirSync(sibling)).toEqual(['secret.txt']);
    const denials = (await h.decisions()).filter((r) => r.decision === 'deny' && r.subject.startsWith('files__'));
    expect(denials.length).toBeGreaterThanOrEqual(27);
    // The refused raw paths are not in the chain: only a keyed digest of the arguments.
    expect(JSON.stringify(denials)).not.toContain('%2e%2e');
    expect(JSON.stringify(denials)).not.toContain('.ssh');
  });
});

describe('amounts: parsed strictly, capped by the grant', () => {
  it('an amount within the cap goes through, exactly as sent', async () => {
    expect(textOf(await charge('12.50'))).toBe('charge "12.50"');
    expect(textOf(await charge(100))).toBe('charge 100');
  });

  it('amount over cap (100.01, 100.0001, the largest representable amount): 403 ERR_TOOL_NOT_ALLOWED, never charged', async () => {
    expect(await refusalOf(charge('100.01'))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect(await refusalOf(charge('922337203685477'))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
    expect(await refusalOf(charge(100.0001))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
  });

  const malformed: [string, unknown][] = [
    ['exponent string "1e3"', '1e3'],
    ['hex string "0x10"', '0x10'],
    ['"NaN"', 'NaN'],
    ['"Infinity"', 'Infinity'],
    ['negative number -5', -5],
    ['negative string "-5"', '-5'],
    ['plus sign "+5"', '+5'],
    ['leading zeros "007"', '007'],
    ['thousands separator "1,000"', '1,000'],
    ['five fraction digits "1.00001"', '1.00001'],
    ['edge whitespace " 5"', ' 5'],
    ['trailing newline "5\\n"', '5\n'],
    ['fullwidth digits', '\uff15'],
    ['empty string', ''],
    ['boolean true', true],
    ['null', null],
    ['array [5]', [5]],
    ['object {value: 5}', { value: 5 }],
    ['number with five fraction digits 0.00001', 0.00001],
    ['number beyond 1e15', 1e16],
    ['beyond the policy engine\'s decimal range "999999999999999"', '999999999999999'],
  ];
  for (const [attack, amount] of malformed) {
    it(`malformed amount, ${attack}: JSON-RPC Invalid params ERR_ARGUMENT_INVALID`, async () => {
      expect(await refusalOf(charge(amount))).toMatchObject({ status: 200, jsonRpc: -32602, code: 'ERR_ARGUMENT_INVALID' });
    });
  }

  it('out-of-grant tool on the same server (refund): 403 ERR_TOOL_NOT_ALLOWED', async () => {
    expect(await refusalOf(client.callTool({ name: 'pay__refund', arguments: { amount: '1' } }))).toMatchObject({ status: 403, code: 'ERR_TOOL_NOT_ALLOWED' });
  });

  it('tools/call smuggled as a notification (no id, so never decided) is never forwarded', async () => {
    const transport = (client as unknown as { transport: { sessionId?: string } }).transport;
    const { token } = await h.issue('args');
    const res = await rawRequest(`${h.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'pay__charge', arguments: { amount: '1000000' } } }),
    });
    expect(res.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.ledger().some((c) => c.amount === '1000000')).toBe(false);
  });

  it('the downstream received only the allowed charges', () => {
    expect(h.ledger()).toEqual([
      { tool: 'charge', amount: '12.50' },
      { tool: 'charge', amount: 100 },
    ]);
  });

  it('the audit chain holds the normalized amounts the policy saw, and verifies', async () => {
    const records = (await h.decisions()).filter((r) => r.subject === 'pay__charge');
    expect(records.filter((r) => r.decision === 'allow').map((r) => r.details.constrained)).toEqual([{ amount: { decimal: '12.5' } }, { amount: { decimal: '100' } }]);
    expect(records.find((r) => r.decision === 'deny' && r.details.code === 'ERR_ARGUMENT_INVALID')?.details).toMatchObject({ rule: 'input' });
    expect(await h.plane.handlers['audit.verify']({})).toMatchObject({ ok: true });
  });
});
