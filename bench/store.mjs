// Team mode's store beside the embedded one, in the same run: a Postgres server (Debian's package,
// started here as the tests start it) against the SQLite file, for issuance with its committed
// audit record and for a gateway call with every check (DPoP proof spent, Cedar decision, the
// decision's record committed). Ratio = Postgres / SQLite.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { downstream } from './gateway.mjs';
import { compare } from './lib/measure.mjs';
import { benchRoot, openBenchPlane } from './lib/plane.mjs';
import { rowsOf } from './lib/report.mjs';
import { importTestSupport } from './lib/test-support.mjs';

const { ControlPlane } = await import('../dist/src-main/app/control-plane.js');
const { startAgentListener } = await import('../dist/src-main/http/agent-listener.js');
const { CharonAgent, DpopKey } = await import('../dist/src-main/agent-client/index.js');

const GATEWAY_CONCURRENCY = 16;

/** A plane on `store` (SQLite when undefined) with its agent listener, and a DPoP-bound agent's echo through the gateway. */
async function gatewayOn(store) {
  const dataDir = mkdtempSync(join(benchRoot, 'charon-bench-store-'));
  const masterKey = randomBytes(32);
  const plane = await ControlPlane.open({ dataDir, overrides: store ? { store } : {}, masterKeyProvider: { load: async () => masterKey }, walCheckpoints: 'worker' });
  await plane.handlers['servers.set']({ name: 'everything', config: downstream });
  await plane.handlers['identities.register']({ id: 'bench-store', owner: 'bench', environment: 'dev', selectors: [], scopes: ['mcp'] });
  const { token: joinToken } = await plane.handlers['joinTokens.create']({ agentId: 'bench-store' });
  await plane.handlers['grants.create']({ spec: { agentId: 'bench-store', environment: 'dev', servers: { everything: { tools: { echo: {} }, resources: [], prompts: [] } }, envelope: {}, expiresAt: null } });
  const listener = await startAgentListener(plane, { port: 0 });
  const agent = new CharonAgent({ url: listener.url, agentId: 'bench-store', joinToken, dpopKey: await DpopKey.generate() });
  await agent.attest();
  const client = new Client({ name: 'bench-store', version: '1.0.0' });
  await client.connect(agent.mcpTransport('/mcp'));
  return {
    echo: async () => {
      const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'store bench' } });
      if (result.isError) throw new Error(`echo refused: ${JSON.stringify(result).slice(0, 200)}`);
    },
    async close() {
      await client.close();
      await listener.close();
      await plane.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function runStore({ rounds = 5, ms = 800, concurrency = 64 } = {}) {
  const { startTestPostgres } = await importTestSupport('postgres');
  const pg = await startTestPostgres();
  const opened = [];
  try {
    const sqlite = await openBenchPlane();
    opened.push(sqlite);
    const postgres = await openBenchPlane({ store: pg.database() });
    opened.push(postgres);
    const rows = [];
    for (const width of [1, concurrency]) {
      const result = await compare({ baseline: { name: 'issue, SQLite store', op: sqlite.issue }, subjects: [{ name: 'issue, Postgres store', op: postgres.issue }], rounds, ms, concurrency: width });
      rows.push(...rowsOf('store', result));
    }
    const gSqlite = await gatewayOn(undefined);
    opened.push(gSqlite);
    const gPostgres = await gatewayOn(pg.database());
    opened.push(gPostgres);
    for (const width of [1, GATEWAY_CONCURRENCY]) {
      const result = await compare({ baseline: { name: 'gateway call, SQLite store', op: gSqlite.echo }, subjects: [{ name: 'gateway call, Postgres store', op: gPostgres.echo }], rounds, ms, concurrency: width });
      rows.push(...rowsOf('store', result));
    }
    for (const row of rows) console.log(`store: ${row.subject} (${row.mode}): ${Math.round(row.rate)}/s against ${Math.round(row.baselineRate)}/s, ${row.ratio.toFixed(2)}×`);
    return rows;
  } finally {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    await pg.stop();
  }
}
