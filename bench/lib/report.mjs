// Rows for the table and results.json, and the table itself.

/** One row per subject of a `compare` result; `targets[name]` may set minRatio and/or minRate. */
export function rowsOf(group, result, targets = {}) {
  return result.subjects.map((s) => {
    const target = targets[s.name] ?? null;
    const pass = target === null ? null : (target.minRatio === undefined || s.medianRatio >= target.minRatio) && (target.minRate === undefined || s.medianRate >= target.minRate);
    return {
      group,
      subject: s.name,
      mode: result.concurrency === 1 ? 'sequential' : `concurrent ${result.concurrency}`,
      baseline: result.baseline.name,
      ratio: s.medianRatio,
      ratioRange: [s.minRatio, s.maxRatio],
      rate: s.medianRate,
      baselineRate: result.baseline.medianRate,
      rounds: result.rounds,
      target,
      pass,
      samples: { subject: s.rates, baseline: result.baseline.rates, ratios: s.ratios },
    };
  });
}

const fmtRate = (r) => (r >= 10_000 ? `${(r / 1000).toFixed(1)}k` : `${Math.round(r)}`);
const fmtTarget = (t) =>
  t === null
    ? ''
    : [
        t.minRatio !== undefined ? `≥${t.minRatio}×` : '',
        t.maxRatio !== undefined ? `≤${t.maxRatio}×` : '',
        t.minRate !== undefined ? `≥${t.minRate}/s` : '',
        t.maxAddedP50Ms !== undefined ? `+p50≤${t.maxAddedP50Ms}ms` : '',
        t.maxAddedP99Ms !== undefined ? `+p99≤${t.maxAddedP99Ms}ms` : '',
      ]
        .filter(Boolean)
        .join(' ');

export function table(rows) {
  const head = ['subject', 'mode', 'ratio (min–max)', 'rate/s', 'baseline', 'baseline/s', 'target'];
  const body = rows.map((r) => [
    r.subject,
    r.mode,
    r.addedMs !== undefined ? `+${r.addedMs.toFixed(3)} ms` : r.ratioRange[0] === r.ratioRange[1] ? r.ratio.toFixed(2) : `${r.ratio.toFixed(2)} (${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)})`,
    r.rate === null ? '' : fmtRate(r.rate),
    r.baseline,
    r.baselineRate === null ? '' : fmtRate(r.baselineRate),
    r.target === null ? '' : `${fmtTarget(r.target)} ${r.pass ? 'ok' : 'MISSED'}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
