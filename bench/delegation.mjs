// Delegation (RFC 8693): what a token exchange costs against issuing a direct credential, and
// what verifying a 3-hop delegated token costs against a direct one (the chain read with the
// credential in one SQLite query, every actor's state, the attenuation re-check), as same-run
// ratios. "first presentation" cycles through more tokens than the verified-token cache holds.
import { compare } from './lib/measure.mjs';
import { rowsOf } from './lib/report.mjs';

const POOL = 10_240;
const URL_ = 'http://127.0.0.1:7470/v1/token';

export async function runDelegation({ rounds = 5, ms = 800, concurrency = 64 } = {}) {
  const { openBenchPlane } = await import('./lib/plane.mjs');
  const bench = await openBenchPlane();
  try {
    const { plane } = bench;
    for (const id of ['hop-b', 'hop-c']) {
      await plane.handlers['identities.register']({ id, owner: 'bench', environment: 'dev', selectors: [], scopes: ['files:read', 'files:write'] });
      plane.attestation.attestWithJoinToken(id, (await plane.handlers['joinTokens.create']({ agentId: id })).token);
    }
    const actor = async (agentId) => (await plane.authority.issue({ agentId }, 'bench')).token;
    // owner → bench-agent → hop-b → hop-c: the last exchange is the one measured.
    const root = await plane.delegation.authorize({ ownerId: 'bench', agentId: bench.agentId }, 'bench');
    const toB = await plane.delegation.exchange({ subjectToken: root.token, actorToken: await actor('hop-b'), method: 'POST', url: URL_ });
    const cActor = await actor('hop-c');
    const exchange = () => plane.delegation.exchange({ subjectToken: toB.token, actorToken: cActor, scope: ['files:read'], method: 'POST', url: URL_ });
    const direct = (await bench.issue()).token;
    const threeHop = (await exchange()).token;

    const rows = [];
    for (const width of [1, concurrency]) {
      const result = await compare({
        baseline: { name: 'authority.issue (direct, committed)', op: bench.issue },
        subjects: [{ name: 'token exchange, 3rd hop (committed)', op: exchange }],
        rounds, ms, concurrency: width,
      });
      rows.push(...rowsOf('delegation', result));
    }

    const directPool = [];
    const delegatedPool = [];
    while (directPool.length < POOL) directPool.push(...(await Promise.all(Array.from({ length: 64 }, () => bench.issue()))).map((r) => r.token));
    while (delegatedPool.length < POOL) delegatedPool.push(...(await Promise.all(Array.from({ length: 64 }, exchange))).map((r) => r.token));
    let d = 0;
    let h = 0;
    for (const width of [1, concurrency]) {
      const repeat = await compare({
        baseline: { name: 'verify direct token (same token again)', op: () => plane.authority.verify(direct) },
        subjects: [{ name: 'verify 3-hop token (same token again)', op: () => plane.authority.verify(threeHop, undefined, 'any') }],
        rounds, ms, concurrency: width,
      });
      rows.push(...rowsOf('delegation', repeat));
      const cold = await compare({
        baseline: { name: 'verify direct token (first presentation)', op: () => plane.authority.verify(directPool[d++ % POOL]) },
        subjects: [{ name: 'verify 3-hop token (first presentation)', op: () => plane.authority.verify(delegatedPool[h++ % POOL], undefined, 'any') }],
        rounds, ms, concurrency: width,
      });
      rows.push(...rowsOf('delegation', cold));
    }
    return rows;
  } finally {
    await bench.close();
  }
}
