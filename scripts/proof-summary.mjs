// The figures the proof suites of issue 8 wrote into test-results/proof/, summed into one line
// (npm test and npm run soak print it; the README's security section quotes a run).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function proofSummary(dir = 'test-results/proof') {
  if (!existsSync(dir)) return null;
  const s = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), 'utf8'))]));
  const n = (v) => (typeof v === 'number' ? v : 0);
  const load = s.soak ?? s.load;
  return {
    requestsServed: n(load?.requestsServed) + n(s.crash?.requestsSent) + n(s['downstream-faults']?.bystanderCalls),
    faultsInjected: n(s.crash?.kills) + n(s['store-faults']?.busyFaults) + n(s['store-faults']?.fullFaults) + n(s['downstream-faults']?.faultsInjected) + n(s.clock?.jumps),
    inputsTried: n(s.fuzz?.inputsTried),
    recordsLost: n(load?.recordsLost) + n(s.crash?.recordsLost),
    p99Ms: load?.latencyMs?.p99,
    suites: Object.keys(s).sort(),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const summary = proofSummary();
  process.stdout.write(summary ? `${JSON.stringify(summary)}\n` : 'no figures in test-results/proof (run npm test first)\n');
}
