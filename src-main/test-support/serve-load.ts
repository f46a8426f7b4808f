// Load against a real `charon serve` process (issue 8): a data directory with many agents and
// their grants, agents that attest over HTTP (half of them DPoP-bound), and a driver that keeps
// every agent busy with a fixed mix of allowed and denied MCP calls for a bounded time.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CharonAgent } from '../agent-client/charon-agent.js';
import { DpopKey } from '../agent-client/dpop-key.js';
import { ControlPlane } from '../app/control-plane.js';
import { everythingServer } from '../gateway/downstream/test-fixtures/servers.js';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { openRawDb } from './raw-db.js';
import { refusalOf, textOf } from './gateway-harness.js';

/** The refusals the mix provokes on purpose; anything else is a failure. */
export const INTENDED_DENIALS: ReadonlySet<string> = new Set(['ERR_TOOL_NOT_ALLOWED', 'ERR_ARGUMENT_INVALID']);

const CALL_TIMEOUT_MS = 15_000;

export interface LoadAgent {
  readonly id: string;
  readonly client: CharonAgent;
  readonly dpopKey: DpopKey | null;
  mcp: Client | null;
}

/** Agents, each with a grant for everything/echo whose message must match `ok-*` (so the audit shows it). */
export async function prepareDataDir(dataDir: string, agents: number): Promise<{ id: string; joinToken: string }[]> {
  const plane = await ControlPlane.open({ dataDir });
  try {
    await plane.handlers['servers.set']({ name: 'everything', config: everythingServer() });
    const out: { id: string; joinToken: string }[] = [];
    for (let i = 0; i < agents; i++) {
      const id = `load-${i}`;
      await plane.handlers['identities.register']({ id, owner: 'alice', environment: 'dev', selectors: [], scopes: ['tools:call'] });
      await plane.handlers['grants.create']({ spec: grantSpecSchema.parse({ agentId: id, environment: 'dev', servers: { everything: { tools: { echo: { args: { message: { pattern: 'ok-*' } } } } } } }) });
      out.push({ id, joinToken: (await plane.handlers['joinTokens.create']({ agentId: id, ttlSeconds: 3600 })).token });
    }
    return out;
  } finally {
    await plane.close();
  }
}

/** Every other agent holds a DPoP key, so both token kinds carry load. */
export async function attestAgents(url: string, tokens: { id: string; joinToken: string }[]): Promise<LoadAgent[]> {
  return Promise.all(
    tokens.map(async ({ id, joinToken }, i) => {
      const dpopKey = i % 2 === 0 ? await DpopKey.generate() : null;
      const client = new CharonAgent({ url, agentId: id, joinToken, ...(dpopKey ? { dpopKey } : {}) });
      await client.attest();
      return { id, client, dpopKey, mcp: null };
    }),
  );
}

export interface LoadStats {
  sent: number;
  allowed: number;
  denied: number;
  deniedByCode: Record<string, number>;
  /** Neither the intended answer nor an intended denial. */
  unexpected: string[];
  latenciesMs: number[];
  /** The message of every call answered as allowed, per agent id. */
  readonly answeredAllowed: Map<string, string[]>;
}

export const emptyStats = (): LoadStats => ({ sent: 0, allowed: 0, denied: 0, deniedByCode: {}, unexpected: [], latenciesMs: [], answeredAllowed: new Map() });

/**
 * Drives every agent until `stop` is aborted: per agent one call at a time, cycling through an
 * allowed echo, an echo whose argument the grant refuses, an ungranted tool, another allowed echo.
 * `onTransportError` decides what a failure that is not an MCP answer means (a crash under test).
 */
export async function drive(agents: readonly LoadAgent[], stop: AbortSignal, stats: LoadStats, options: { onTransportError?: (agent: LoadAgent, error: unknown) => Promise<'retry' | 'count'> } = {}): Promise<void> {
  await Promise.all(
    agents.map(async (agent) => {
      for (let i = 0; !stop.aborted; i++) {
        const kind = i % 4;
        const message = kind === 1 ? `no-${agent.id}-${i}` : `ok-${agent.id}-${i}`;
        const started = performance.now();
        stats.sent++;
        try {
          agent.mcp ??= await connectMcp(agent.client);
          // A bound on each call: one cut off by a crash must end (the SDK would wait a minute for a stream it hopes to resume).
          const bounded = { timeout: CALL_TIMEOUT_MS };
          const result = await (kind === 2 ? agent.mcp.callTool({ name: 'everything__get-env', arguments: {} }, undefined, bounded) : agent.mcp.callTool({ name: 'everything__echo', arguments: { message } }, undefined, bounded));
          stats.latenciesMs.push(performance.now() - started);
          if ((kind === 0 || kind === 3) && textOf(result).includes(message)) {
            stats.allowed++;
            const list = stats.answeredAllowed.get(agent.id) ?? [];
            list.push(message);
            stats.answeredAllowed.set(agent.id, list);
          } else {
            stats.unexpected.push(`${agent.id} #${i}: answered ${JSON.stringify(result).slice(0, 200)}`);
          }
        } catch (error) {
          const refusal = await refusalOf(Promise.reject(error));
          if (refusal.code && INTENDED_DENIALS.has(refusal.code) && kind !== 0 && kind !== 3) {
            stats.latenciesMs.push(performance.now() - started);
            stats.denied++;
            stats.deniedByCode[refusal.code] = (stats.deniedByCode[refusal.code] ?? 0) + 1;
          } else if (options.onTransportError && (await options.onTransportError(agent, error)) === 'retry') {
            stats.sent--;
          } else {
            stats.unexpected.push(`${agent.id} #${i}: ${refusal.code ?? ''} ${refusal.message.slice(0, 200)}`);
          }
        }
      }
    }),
  );
}

/** An initialized SDK client through the agent's transport (credential and DPoP proofs handled by CharonAgent). */
export async function connectMcp(agent: CharonAgent): Promise<Client> {
  const client = new Client({ name: 'charon-load', version: '1.0.0' });
  await client.connect(agent.mcpTransport('/mcp'));
  return client;
}

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};

/** Resident set size of a process (Linux /proc), in bytes; null elsewhere. */
export function rssOf(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

export interface DecisionRow {
  readonly actor: string;
  readonly subject: string;
  readonly decision: string;
  readonly message: string | null;
}

/** A decision record with the constrained `message` the policy saw (null when none). */
export function decisionRowOf(r: { actor: string; subject: string; decision: string; details: Record<string, unknown> }): DecisionRow {
  const constrained = r.details.constrained as { message?: unknown } | undefined;
  return { actor: r.actor, subject: r.subject, decision: r.decision, message: typeof constrained?.message === 'string' ? constrained.message : null };
}

/** The gateway's decision records, with the constrained `message` the policy saw (null when none). */
export function decisionRows(dataDir: string): DecisionRow[] {
  const db = openRawDb(dataDir, { readonly: true });
  try {
    return (db.prepare("SELECT actor, subject, decision, details FROM audit_events WHERE kind = 'gateway.decision' ORDER BY seq").all() as { actor: string; subject: string; decision: string; details: string }[]).map((r) =>
      decisionRowOf({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }),
    );
  } finally {
    db.close();
  }
}

/** Answered-allowed messages with no allow record in the chain (must be none). */
export function allowedWithoutRecord(stats: LoadStats, rows: readonly DecisionRow[]): string[] {
  const recorded = new Set(rows.filter((r) => r.decision === 'allow' && r.message !== null).map((r) => r.message as string));
  return [...stats.answeredAllowed.values()].flat().filter((m) => !recorded.has(m));
}
