// `charon connect` for real: the built CLI, a real `charon serve` with server-memory configured
// through `charon server add` and a grant, and the bridge spawned as a stdio child that the
// official SDK client drives over StdioClientTransport, as a desktop chat app would.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CHARON_BIN, startServe, type Served, cliFor } from '../test-support/cli.js';
import { tempDir } from '../test-support/control-plane.js';
import { mcpErrorOf, stdioClient, type StdioClient } from '../test-support/stdio-client.js';

const memoryEntry = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url));
// Long enough that a loaded 2-core machine restarts the bridge before the first credential expires.
const TTL_SECONDS = 15;

let dataDir: string;
let served: Served;
let joinToken: string;
const { cli, json } = cliFor(() => dataDir);
const agentDir = () => join(dataDir, 'agents', 'writer');
const stateFile = () => join(agentDir(), 'credential.json');
const credentials = () => json<{ jti: string; state: string }[]>('token', 'list', 'writer');
const textOf = (result: unknown): string => ((result as { content: { type: string; text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('');

/** `charon connect` as an MCP client launches it: a child on stdio, stderr kept for the test. */
function connect(env: Record<string, string> = {}): Promise<StdioClient> {
  return stdioClient(process.execPath, [CHARON_BIN, 'connect', '--agent', 'writer', '--url', served.agentUrl, '--data-dir', dataDir], { PATH: process.env.PATH ?? '', CHARON_JOIN_TOKEN: '', ...env });
}

beforeAll(async () => {
  assertBuilt();
  dataDir = tempDir();
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ ttlCapsSeconds: { dev: TTL_SECONDS } }));
  expect(cli('agent', 'register', 'writer', '--owner', 'alice', '--env', 'dev').status).toBe(0);
  const added = cli('server', 'add', 'memory', '--command', process.execPath, '--arg', memoryEntry, '--env', `MEMORY_FILE_PATH=${join(dataDir, 'memory.jsonl')}`, '--env', 'UNUSED=1');
  expect(added.status, added.stderr).toBe(0);
  expect(cli('grant', 'create', '--agent', 'writer', '--env', 'dev', '--tool', 'memory__create_entities', '--tool', 'memory__read_graph').status).toBe(0);
  joinToken = json<{ token: string }>('join-token', 'create', 'writer').token;
  served = await startServe(dataDir);
}, 60_000);

afterAll(async () => {
  served?.child.kill('SIGTERM');
  await served?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('charon server', () => {
  it('lists the server added with --command/--arg/--env, and adds, imports and removes others', { timeout: 60_000 }, () => {
    const list = json<{ name: string; config: { command: string; args: string[]; env: Record<string, string> } }[]>('server', 'list');
    expect(list.find((s) => s.name === 'memory')?.config).toEqual({ command: process.execPath, args: [memoryEntry], env: { MEMORY_FILE_PATH: join(dataDir, 'memory.jsonl'), UNUSED: '1' } });
    expect(json<{ name: string }>('server', 'add', 'remote', '--url', 'http://127.0.0.1:9/mcp').name).toBe('remote');
    const config = join(dataDir, 'claude_desktop_config.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { fetch: { command: 'uvx', args: ['mcp-server-fetch'] }, remote: { url: 'http://127.0.0.1:9/other' } } }));
    const imported = json<{ imported: { name: string }[]; skipped: { name: string }[] }>('server', 'import', config);
    expect(imported.imported.map((s) => s.name)).toEqual(['fetch']);
    expect(imported.skipped.map((s) => s.name)).toEqual(['remote']);
    expect(json<{ imported: { name: string }[] }>('server', 'import', config, '--overwrite').imported.map((s) => s.name).sort()).toEqual(['fetch', 'remote']);
    expect(json<{ removed: string }>('server', 'remove', 'fetch').removed).toBe('fetch');
    expect(json<{ removed: string }>('server', 'remove', 'remote').removed).toBe('remote');
    expect(cli('server', 'list').stdout).toMatch(/^NAME\s+STATE/);
    expect(cli('server', 'add', 'bad').status).toBe(2);
    expect(cli('server', 'add', 'bad', '--command', 'x', '--env', 'NOEQUALS').status).toBe(2);
    const missing = cli('server', 'remove', 'nosuch');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ERR_/);
  });
});

describe('charon connect', () => {
  it('without a join token or a saved credential, says clearly that a join token is needed', async () => {
    const { status, stderr } = cli('connect', '--agent', 'writer', '--url', served.agentUrl);
    expect(status).toBe(1);
    expect(stderr).toContain('ERR_ATTESTATION_REQUIRED');
    expect(stderr).toMatch(/join token is needed.*charon join-token create writer/);
  });

  it('attests once, lists only granted tools, calls one, refuses another with the Charon code; key and state files are 0600', { timeout: 60_000 }, async () => {
    const { client } = await connect({ CHARON_JOIN_TOKEN: joinToken });
    try {
      expect(client.getServerVersion()?.name).toBe('charon');
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['memory__create_entities', 'memory__read_graph']);
      await client.callTool({ name: 'memory__create_entities', arguments: { entities: [{ name: 'bridge', entityType: 'test', observations: ['came through charon connect'] }] } });
      expect(textOf(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain('came through charon connect');

      const refused = await mcpErrorOf(client.callTool({ name: 'memory__delete_entities', arguments: { entityNames: ['bridge'] } }));
      expect(refused.code).toBe(-32003);
      expect(refused.message).toContain('ERR_TOOL_NOT_ALLOWED');
      expect(refused.data).toMatchObject({ code: 'ERR_TOOL_NOT_ALLOWED' });
    } finally {
      await client.close();
    }
    expect(statSync(join(agentDir(), 'dpop-key.json')).mode & 0o777).toBe(0o600);
    expect(statSync(stateFile()).mode & 0o777).toBe(0o600);
    const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as { agentId: string; jkt: string; credential: { jti: string } };
    expect(state.agentId).toBe('writer');
    expect(credentials().find((c) => c.jti === state.credential.jti)?.state).toBe('ACTIVE');
  });

  it('a restarted bridge reuses the saved credential (the join token is spent) and renews it before expiry', { timeout: 60_000 }, async () => {
    // The join token was single use: a second attestation with it would fail.
    const before = JSON.parse(readFileSync(stateFile(), 'utf8')) as { credential: { jti: string; expiresAt: number } };
    const { client, stderr } = await connect();
    try {
      expect(stderr()).toContain('reusing the credential');
      expect((await client.listTools()).tools.length).toBe(2);
      // Renewal is due when a third of the lifetime is left: wait for the saved credential to change.
      const deadline = Date.now() + TTL_SECONDS * 1000 + 5000;
      let after = before;
      while (after.credential.jti === before.credential.jti && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = JSON.parse(readFileSync(stateFile(), 'utf8')) as typeof before;
      }
      expect(after.credential.jti).not.toBe(before.credential.jti);
      // Renewed before the old credential expired (seen within one poll of the change).
      expect(Date.now() - 250).toBeLessThan(before.credential.expiresAt);
      const states = credentials();
      expect(states.find((c) => c.jti === before.credential.jti)?.state).toBe('ROTATED');
      expect(states.find((c) => c.jti === after.credential.jti)?.state).toBe('ACTIVE');
      // Past the first credential's expiry, the bridge goes on with its successor.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, before.credential.expiresAt - Date.now() + 200)));
      expect(textOf(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain('came through charon connect');
    } finally {
      await client.close();
    }
    const attestations = json<{ kind: string }[]>('audit', 'list', '--limit', '500').filter((r) => r.kind.startsWith('attest'));
    expect(attestations.length).toBe(1);
  });

  it('a saved credential that has expired needs a new join token, and says so', () => {
    const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as { credential: { expiresAt: number } };
    writeFileSync(stateFile(), JSON.stringify({ ...state, credential: { ...state.credential, expiresAt: Date.now() - 1000 } }), { mode: 0o600 });
    const { status, stderr } = cli('connect', '--agent', 'writer', '--url', served.agentUrl);
    expect(status).toBe(1);
    expect(stderr).toContain('expired');
    expect(stderr).toMatch(/ERR_ATTESTATION_REQUIRED.*join token is needed/);
  });

  it('the spent join token kept in an MCP client config is not a fresh one: the saved credential goes on', { timeout: 60_000 }, async () => {
    // Restore a usable saved credential first (the test before expired it): a fresh token attests.
    const fresh = json<{ token: string }>('join-token', 'create', 'writer').token;
    const first = await connect({ CHARON_JOIN_TOKEN: fresh });
    await first.client.close();
    expect(first.stderr()).toContain('attesting writer with a new join token (replacing the saved credential)');
    const again = await connect({ CHARON_JOIN_TOKEN: fresh });
    try {
      expect(again.stderr()).toContain('reusing the credential');
      expect((await again.client.listTools()).tools.length).toBe(2);
    } finally {
      await again.client.close();
    }
  });

  it('a fresh CHARON_JOIN_TOKEN wins over a revoked saved credential', { timeout: 60_000 }, async () => {
    const saved = JSON.parse(readFileSync(stateFile(), 'utf8')) as { credential: { jti: string } };
    expect(cli('token', 'revoke', saved.credential.jti).status).toBe(0);
    // Without a new token: refused, with the fix.
    const dead = cli('connect', '--agent', 'writer', '--url', served.agentUrl);
    expect(dead.status).toBe(1);
    expect(dead.stderr).toMatch(/ERR_CREDENTIAL_REVOKED.*a new join token is needed/);
    const fresh = json<{ token: string }>('join-token', 'create', 'writer').token;
    const { client, stderr } = await connect({ CHARON_JOIN_TOKEN: fresh });
    try {
      expect(stderr()).toContain('with a new join token');
      expect(textOf(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain('came through charon connect');
    } finally {
      await client.close();
    }
    const now = JSON.parse(readFileSync(stateFile(), 'utf8')) as { credential: { jti: string } };
    expect(now.credential.jti).not.toBe(saved.credential.jti);
  });

  it('after an emergency key rotation, says the saved credential died with the old keys and how to fix it', { timeout: 60_000 }, () => {
    const rotated = cli('keys', 'rotate', '--emergency', '--reason', 'e2e: leaked key');
    expect(rotated.status, rotated.stderr).toBe(0);
    const { status, stderr } = cli('connect', '--agent', 'writer', '--url', served.agentUrl);
    expect(status).toBe(1);
    expect(stderr).toMatch(/ERR_(CREDENTIAL_REVOKED|JWKS_NO_MATCHING_KEY)/);
    expect(stderr).toMatch(/a new join token is needed: `charon join-token create writer`.*replaces the saved credential/);
  });
});

