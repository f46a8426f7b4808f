// Throughput of an async operation, and same-run ratios of subjects against a baseline.

/** Operations completed in about `ms`: `concurrency` loops, each awaiting one operation at a time. */
export async function run(op, { ms, concurrency = 1 }) {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  const loop = async () => {
    while (performance.now() < end) {
      await op();
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { count, seconds: (performance.now() - start) / 1000 };
}

/** Operations per second over about `ms`. */
export async function throughput(op, options) {
  const { count, seconds } = await run(op, options);
  return count / seconds;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Measures a baseline and subjects in `rounds` rounds. Within a round each candidate runs in
 * `slices` short slices, interleaved in alternating order (B,S1,S2,S2,S1,B,...), so drift of a
 * noisy machine falls on all of them alike. Each round gives a ratio subject/baseline; the result
 * is the median of those ratios and of the absolute rates. `ms` is per candidate per round.
 * `baseline` and each subject: { name, op }.
 */
export async function compare({ baseline, subjects, rounds = 5, ms = 800, slices = 16, warmupMs = 300, concurrency = 1 }) {
  const all = [baseline, ...subjects];
  for (const s of all) await throughput(s.op, { ms: warmupMs, concurrency });
  const rates = new Map(all.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    const ops = new Map(all.map((s) => [s.name, { count: 0, seconds: 0 }]));
    for (let slice = 0; slice < slices; slice++) {
      const order = (round * slices + slice) % 2 === 0 ? all : [...all].reverse();
      for (const s of order) {
        const { count, seconds } = await run(s.op, { ms: ms / slices, concurrency });
        const acc = ops.get(s.name);
        acc.count += count;
        acc.seconds += seconds;
      }
    }
    for (const s of all) rates.get(s.name).push(ops.get(s.name).count / ops.get(s.name).seconds);
  }
  const base = rates.get(baseline.name);
  return {
    concurrency,
    rounds,
    baseline: { name: baseline.name, medianRate: median(base), rates: base },
    subjects: subjects.map((s) => {
      const r = rates.get(s.name);
      const ratios = r.map((v, i) => v / base[i]);
      return { name: s.name, medianRate: median(r), rates: r, ratios, medianRatio: median(ratios), minRatio: Math.min(...ratios), maxRatio: Math.max(...ratios) };
    }),
  };
}
