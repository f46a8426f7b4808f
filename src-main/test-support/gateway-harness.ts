// The MCP gateway end to end, for the gateway's integration and attack tests: a real control plane
// (SQLite, ManualClock), the real agent listener on a loopback port, real MCP servers from npm as
// downstreams, and the official SDK client driving it (through CharonAgent or a raw fetch).
import type { ClientMetadataFetchOptions } from '../oauth/client-metadata-fetch.js';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { AuditEventDto } from '../../src-shared/dto.js';
import { grantSpecSchema, type GrantDto, type GrantSpecInput } from '../../src-shared/grant.js';
import type { ServerConfig } from '../../src-shared/mcp-servers.js';
import { CharonAgent } from '../agent-client/charon-agent.js';
import { DpopKey } from '../agent-client/dpop-key.js';
import type { ConfigFile } from '../app/config.js';
import type { DownstreamOptions } from '../gateway/downstream/downstream-manager.js';
import { everythingServer, filesystemServer, growingServer, memoryServer } from '../gateway/downstream/test-fixtures/servers.js';
import { startAgentListener, type AgentListener } from '../http/agent-listener.js';
import { openTestPlane, tempDir, type TestPlane } from './control-plane.js';

export { CharonAgent, DpopKey };

type Environment = 'dev' | 'test' | 'prod';

const chargeScript = fileURLToPath(new URL('../gateway/test-fixtures/charge-server.mjs', import.meta.url));

export interface GatewayHarness extends TestPlane {
  readonly listener: AgentListener;
  readonly url: string;
  /** The directory grants confine `path` to (real path). */
  readonly root: string;
  /** A sibling of `root` holding `secret.txt`: the filesystem server may reach it, grants never. */
  readonly outside: string;
  /** Where the charge fixture records every call it actually received. */
  readonly ledgerFile: string;
  /** Registers an identity and returns a join token for it. */
  register(id: string, environment?: Environment): Promise<string>;
  /** A registered agent that attested over HTTP (DPoP-bound unless `dpop: false`). */
  agent(id: string, options?: { environment?: Environment; dpop?: boolean }): Promise<TestAgent>;
  /** A grant, validated as the operator API validates it. */
  grant(spec: GrantSpecInput): Promise<GrantDto>;
  /** A credential minted in process (for tokens an agent could not get over HTTP: another audience, unbound prod). */
  issue(agentId: string, options?: { audience?: string; ttlSeconds?: number; dpopJkt?: string | null }): Promise<{ token: string; jti: string }>;
  /** An SDK client, initialized, over `transport`. */
  connect(transport: Transport): Promise<Client>;
  /** An SDK client transport with a fixed Bearer token. */
  bearerTransport(token: string, path?: string): StreamableHTTPClientTransport;
  /** gateway.decision records after `afterSeq`, oldest first. */
  decisions(afterSeq?: number): Promise<AuditEventDto[]>;
  /** The newest audit sequence number. */
  headSeq(): Promise<number>;
  /** What the charge fixture received, in order. */
  ledger(): { tool: string; amount: unknown }[];
}

export interface TestAgent {
  readonly id: string;
  readonly client: CharonAgent;
  readonly key: DpopKey | null;
  /** An initialized SDK client over CharonAgent.mcpTransport(path). */
  connect(path?: string): Promise<Client>;
  /** The agent's current credential. */
  token(): Promise<string>;
}

export interface GatewayHarnessOptions {
  readonly config?: ConfigFile;
  /** Which downstreams to configure (all but grow by default): files, everything, memory, pay, grow. */
  readonly servers?: readonly ('files' | 'everything' | 'memory' | 'pay' | 'grow')[];
  /** Downstream timeouts and backoff (the defaults are a minute and more). */
  readonly downstream?: Partial<DownstreamOptions>;
  /** How the authorization server fetches client ID metadata documents (a test CA, loopback allowed). */
  readonly clientMetadata?: ClientMetadataFetchOptions;
}

export async function openGatewayHarness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const t = await openTestPlane(options.config ?? {}, undefined, options.downstream, options.clientMetadata);
  const listener = await startAgentListener(t.plane, { port: 0 });
  const base = realpathSync(tempDir('charon-gw-files-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(root, 'hello.txt'), 'hello from inside the root\n');
  writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET outside the root\n');
  const ledgerFile = join(t.dataDir, 'ledger.jsonl');
  writeFileSync(ledgerFile, '');

  const servers: Record<string, ServerConfig> = {
    // The filesystem server may reach all of `base`: only the gateway's grant keeps an agent inside `root`.
    files: filesystemServer(base),
    everything: everythingServer(),
    memory: memoryServer(join(t.dataDir, 'memory.jsonl')),
    pay: { command: process.execPath, args: [chargeScript], env: { LEDGER_FILE: ledgerFile } },
    grow: growingServer(),
  };
  for (const name of options.servers ?? (['files', 'everything', 'memory', 'pay'] as const)) {
    await t.plane.handlers['servers.set']({ name, config: servers[name] as ServerConfig });
  }

  const now = (): number => t.clock.now();
  const h: GatewayHarness = {
    ...t,
    listener,
    url: listener.url,
    root,
    outside,
    ledgerFile,
    async register(id, environment = 'dev') {
      await t.plane.handlers['identities.register']({ id, owner: 'alice', environment, selectors: [], scopes: ['tools:call'] });
      return (await t.plane.handlers['joinTokens.create']({ agentId: id })).token;
    },
    async agent(id, agentOptions = {}) {
      const joinToken = await h.register(id, agentOptions.environment);
      const key = agentOptions.dpop === false ? null : await DpopKey.generate();
      const client = new CharonAgent({ url: listener.url, agentId: id, joinToken, ...(key ? { dpopKey: key } : {}), now });
      await client.attest();
      return {
        id,
        client,
        key,
        connect: (path = '/mcp') => h.connect(client.mcpTransport(path)),
        token: () => client.token(),
      };
    },
    async grant(spec) {
      return t.plane.handlers['grants.create']({ spec: grantSpecSchema.parse(spec) });
    },
    async issue(agentId, issueOptions = {}) {
      const { token, credential } = await t.plane.authority.issue(
        { agentId, audience: issueOptions.audience, ttlSeconds: issueOptions.ttlSeconds, dpopJkt: issueOptions.dpopJkt ?? null },
        'test',
      );
      return { token, jti: credential.jti };
    },
    async connect(transport) {
      const client = new Client({ name: 'gateway-test', version: '1.0.0' });
      await client.connect(transport);
      return client;
    },
    bearerTransport(token, path = '/mcp') {
      return new StreamableHTTPClientTransport(new URL(path, listener.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    },
    async decisions(afterSeq = 0) {
      return t.plane.handlers['audit.list']({ afterSeq, limit: 5000, kind: 'gateway.decision' });
    },
    async headSeq() {
      return (await t.plane.handlers['audit.list']({ limit: 1 }))[0]?.seq ?? 0;
    },
    ledger() {
      return readFileSync(ledgerFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { tool: string; amount: unknown });
    },
    async close() {
      await listener.close();
      await t.close();
    },
  };
  return h;
}

/** What a refused HTTP request said: the status, the JSON-RPC error's stable code, the headers. */
export interface Refusal {
  readonly status: number;
  readonly code: string | undefined;
  readonly body: unknown;
  readonly headers: Headers;
}

/** The refusal an SDK call ended with: StreamableHTTPError carries the status and the response text; a JSON-RPC error (HTTP 200) its code in `jsonRpc`. */
export async function refusalOf(call: Promise<unknown>): Promise<{ status: number; code: string | undefined; message: string; jsonRpc?: number }> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: unknown; message?: string; data?: { code?: string } };
    const message = e.message ?? String(error);
    // An MCP error (the call reached the session server): the stable code is in data.
    if (e.data?.code) return { status: 200, code: e.data.code, message, ...(typeof e.code === 'number' ? { jsonRpc: e.code } : {}) };
    const json = message.indexOf('{');
    let code: string | undefined;
    if (json >= 0) {
      try {
        const body = JSON.parse(message.slice(json)) as { error?: { data?: { code?: string } }; code?: string };
        code = body.error?.data?.code ?? body.code;
      } catch {
        code = undefined;
      }
    }
    return { status: typeof e.code === 'number' ? e.code : -1, code, message };
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

/** A raw HTTP request to the gateway, for what the SDK client would never send. */
export async function rawRequest(url: string, init: RequestInit): Promise<Refusal> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // SSE or empty: keep the text.
  }
  const b = body as { error?: { data?: { code?: string } }; code?: string } | null;
  return { status: response.status, code: typeof body === 'object' && b ? (b.error?.data?.code ?? b.code) : undefined, body, headers: response.headers };
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
} as const;

export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;

/** The text content of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('');
}
