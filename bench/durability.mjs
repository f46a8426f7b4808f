// What synchronous=FULL costs issuance: durability 'full' against 'normal' (WAL), same run.
import { compare } from './lib/measure.mjs';
import { rowsOf } from './lib/report.mjs';

export async function runDurability({ rounds = 5, ms = 800, concurrency = 64 } = {}) {
  const { openBenchPlane } = await import('./lib/plane.mjs');
  const normal = await openBenchPlane({ durability: 'normal' });
  const full = await openBenchPlane({ durability: 'full' });
  try {
    const rows = [];
    for (const width of [1, concurrency]) {
      const result = await compare({
        baseline: { name: "issue, durability 'normal'", op: normal.issue },
        subjects: [{ name: "issue, durability 'full'", op: full.issue }],
        rounds, ms, concurrency: width,
      });
      rows.push(...rowsOf('durability', result));
    }
    return rows;
  } finally {
    await normal.close();
    await full.close();
  }
}
