// Team mode (issue 17): data dirs of replicas sharing one Postgres store, and reads of that store.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grantSpecSchema } from '../../src-shared/grant.js';
import { ControlPlane } from '../app/control-plane.js';
import type { AuditRepository } from '../core/ports.js';
import type { AuditRecord } from '../core/records.js';
import { everythingServer } from '../gateway/downstream/test-fixtures/servers.js';
import { openPostgresStore } from '../store/postgres/pg-store.js';
import { decisionRowOf, type DecisionRow } from './serve-load.js';

export interface ReplicaAgent {
  readonly id: string;
  /** Tools of the `everything` server granted at setup (none: the agent starts without a grant). */
  readonly tools?: Record<string, unknown>;
  readonly envelope?: unknown;
}

/**
 * One data dir per replica, each a config.json naming the shared store and its loopback address;
 * the first replica's dir sets up the server and the agents; the master key (it unseals the signing
 * keys in the database) is copied to every replica. Returns each agent's join token.
 */
export async function prepareReplicas(store: string, replicas: readonly { dir: string; host: string }[], agents: readonly ReplicaAgent[]): Promise<Map<string, string>> {
  for (const { dir, host } of replicas) writeFileSync(join(dir, 'config.json'), JSON.stringify({ store, host }));
  const first = replicas[0]?.dir as string;
  const plane = await ControlPlane.open({ dataDir: first });
  const joinTokens = new Map<string, string>();
  try {
    await plane.handlers['servers.set']({ name: 'everything', config: everythingServer() });
    for (const agent of agents) {
      await plane.handlers['identities.register']({ id: agent.id, owner: 'alice', environment: 'dev', selectors: [], scopes: ['tools:call'] });
      joinTokens.set(agent.id, (await plane.handlers['joinTokens.create']({ agentId: agent.id, ttlSeconds: 3600 })).token);
      if (agent.tools) {
        await plane.handlers['grants.create']({ spec: grantSpecSchema.parse({ agentId: agent.id, environment: 'dev', servers: { everything: { tools: agent.tools } }, ...(agent.envelope ? { envelope: agent.envelope } : {}) }) });
      }
    }
  } finally {
    await plane.close();
  }
  for (const { dir } of replicas.slice(1)) copyFileSync(join(first, 'master-key.json'), join(dir, 'master-key.json'));
  return joinTokens;
}

/** Audit records of the shared store, read through Charon's own repository. */
export function sharedAudit(store: string, filter: Parameters<AuditRepository['list']>[0]): AuditRecord[] {
  const s = openPostgresStore(store);
  try {
    return s.audit.list(filter);
  } finally {
    s.close();
  }
}

/** The gateway's decision records in the shared store, oldest first (serve-load.ts's DecisionRow). */
export function sharedDecisionRows(store: string): DecisionRow[] {
  return sharedAudit(store, { kind: 'gateway.decision', afterSeq: 0, limit: 1_000_000 }).map(decisionRowOf);
}
